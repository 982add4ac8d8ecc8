//! Offline replay: serves a saved site snapshot over real HTTP on 127.0.0.1
//! (to be written by the crawl work).

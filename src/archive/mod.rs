//! Raw storage: page bytes kept exactly as received, stored by content hash,
//! with a JSON Lines manifest of every fetch (to be written by the crawl work).

//! Fetching: site profiles, a scheduler, a polite downloader (robots.txt,
//! rate limits, retries) and item pipelines into the archive (to be written).

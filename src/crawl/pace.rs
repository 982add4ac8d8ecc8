//! Politeness pacing: at most one request per period to each host, no bursts.
//!
//! Each host has a next free slot; a request takes the slot (waiting until
//! it comes) and books the next one a period later, so concurrent requests to
//! one host are spaced by the period whatever order they arrive in. A host
//! whose robots.txt asks for a longer Crawl-delay gets that period instead.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One host's pace.
#[derive(Debug, Clone, Copy)]
struct Host {
    /// When the next request may start (none: at once).
    next: Option<Instant>,
    /// The gap between two requests.
    period: Duration,
}

/// Per-host pacing at a common rate, with slower hosts where asked.
#[derive(Debug)]
pub(crate) struct Pacer {
    period: Duration,
    hosts: Mutex<HashMap<String, Host>>,
}

impl Pacer {
    /// One request per `1 / rate` seconds to each host.
    pub(crate) fn new(rate: f64) -> Pacer {
        Pacer {
            period: period(rate),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Slows `host` to one request per `period` when that is slower than
    /// its pace now.
    pub(crate) fn slow_down(&self, host: &str, period: Duration) {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let h = hosts.entry(host.to_string()).or_insert(Host {
            next: None,
            period: self.period,
        });
        h.period = h.period.max(period.min(MAX_PERIOD));
    }

    /// Books the next slot of `host` and returns how long to wait for it.
    fn book(&self, host: &str, now: Instant) -> Duration {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let h = hosts.entry(host.to_string()).or_insert(Host {
            next: None,
            period: self.period,
        });
        let slot = h.next.map_or(now, |n| n.max(now));
        h.next = Some(slot + h.period);
        slot - now
    }

    /// Waits for `host`'s next slot.
    pub(crate) async fn ready(&self, host: &str) {
        let wait = self.book(host, Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// The longest gap between two requests to a host (about 116 days): a
/// longer Crawl-delay is read as this.
const MAX_PERIOD: Duration = Duration::from_secs(10_000_000);

/// `1 / rate` seconds (a rate that is not a positive number is one request
/// per million seconds, never unlimited).
fn period(rate: f64) -> Duration {
    let rate = if rate.is_nan() { 1e-6 } else { rate.max(1e-6) };
    Duration::try_from_secs_f64(1.0 / rate)
        .unwrap_or(MAX_PERIOD)
        .min(MAX_PERIOD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_to_one_host_are_a_period_apart_and_hosts_are_separate() {
        let p = Pacer::new(2.0);
        let t = Instant::now();
        assert_eq!(p.book("a", t), Duration::ZERO);
        assert_eq!(p.book("a", t), Duration::from_millis(500));
        assert_eq!(p.book("a", t), Duration::from_millis(1000));
        assert_eq!(p.book("b", t), Duration::ZERO);
        // A request after a pause does not inherit a burst of missed slots.
        let later = t + Duration::from_secs(10);
        assert_eq!(p.book("a", later), Duration::ZERO);
        assert_eq!(p.book("a", later), Duration::from_millis(500));
    }

    #[test]
    fn a_crawl_delay_only_ever_slows_a_host() {
        let p = Pacer::new(2.0);
        let t = Instant::now();
        p.slow_down("a", Duration::from_secs(3));
        p.slow_down("a", Duration::from_secs(1));
        assert_eq!(p.book("a", t), Duration::ZERO);
        assert_eq!(p.book("a", t), Duration::from_secs(3));
        assert_eq!(p.book("b", t), Duration::ZERO);
        assert_eq!(p.book("b", t), Duration::from_millis(500));
    }

    #[test]
    fn odd_rates_never_panic_or_unpace() {
        for r in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e300, 1e-300] {
            let p = Pacer::new(r);
            let t = Instant::now();
            p.book("a", t);
            let _ = p.book("a", t);
        }
        let p = Pacer::new(0.0);
        let t = Instant::now();
        p.book("a", t);
        assert!(p.book("a", t) >= Duration::from_secs(1_000_000));
        p.slow_down("a", Duration::MAX);
        p.book("a", t);
        assert_eq!(p.book("a", t), Duration::from_secs(2_000_000) + MAX_PERIOD);
    }
}

//! Timers: a map ordered by `(deadline, id)`, holding the waker to call.
//!
//! A `BTreeMap` gives the earliest deadline in O(log n), and, unlike a binary heap,
//! lets a dropped `Sleep` remove its entry at once, so cancelled timers neither linger
//! nor cause spurious wake-ups.

use std::collections::BTreeMap;
use std::task::Waker;
use std::time::Instant;

#[derive(Default)]
pub(crate) struct Timers {
    map: BTreeMap<(Instant, u64), Waker>,
    next_id: u64,
}

impl Timers {
    /// Inserts a timer; returns its id and whether it is now the earliest.
    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> (u64, bool) {
        let id = self.next_id;
        self.next_id += 1;
        let earliest = self
            .map
            .first_key_value()
            .is_none_or(|(&(d, _), _)| deadline < d);
        self.map.insert((deadline, id), waker);
        (id, earliest)
    }

    pub(crate) fn update(&mut self, deadline: Instant, id: u64, waker: &Waker) -> bool {
        match self.map.get_mut(&(deadline, id)) {
            Some(w) => {
                if !w.will_wake(waker) {
                    *w = waker.clone();
                }
                true
            }
            None => false,
        }
    }

    pub(crate) fn remove(&mut self, deadline: Instant, id: u64) {
        self.map.remove(&(deadline, id));
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.map.first_key_value().map(|(&(d, _), _)| d)
    }

    /// Removes every timer due at `now`, collecting its waker.
    pub(crate) fn expire(&mut self, now: Instant, wakers: &mut Vec<Waker>) {
        while let Some(entry) = self.map.first_entry() {
            if entry.key().0 > now {
                break;
            }
            wakers.push(entry.remove());
        }
    }
}

//! User types whose `next`/`pop`-like methods lend from their receiver.
//!
//! On the standard library's iterators and collections, `it.next()` and
//! `q.pop()` return owned values, and longhand reads them so: the
//! receiver is not borrowed by the result, so it can move into the state
//! across an await. A user type may reuse those names for a method that
//! returns a borrow of itself (a cursor's `fn next(&mut self) ->
//! Option<&str>`). On a local declared of, or built by a constructor of, a
//! type that is not the standard library's, longhand takes the result as a
//! borrow, and the receiver stays pinned in place while it is kept. A user
//! type whose `pop` does return owned values then pays a pinned slot, and
//! must still behave as rustc's lowering does.
#![allow(dead_code, unused_variables, unused_mut)]

use crate::harness::*;

/// A cursor over its own text: `next` and `nth` lend slices of it.
pub struct Cur {
    pub text: String,
    pub at: usize,
    pub _d: D,
}

impl Cur {
    pub fn new(text: &str, name: &'static str) -> Cur {
        Cur {
            text: text.to_string(),
            at: 0,
            _d: D::new(name),
        }
    }

    pub fn next(&mut self) -> Option<&str> {
        let word = self.text.get(self.at..)?.split(' ').next()?;
        if word.is_empty() {
            return None;
        }
        self.at += word.len() + 1;
        Some(word)
    }

    pub fn nth(&mut self, n: usize) -> Option<&str> {
        for _ in 0..n {
            self.next()?;
        }
        self.next()
    }
}

differential! {
    /// The cursor behind a `&mut` parameter: the word reborrows `*c`, and
    /// the reference moves into the state without moving the cursor, so
    /// nothing needs pinning (this compiled before lending was guessed).
    name: lending_next_through_mut_reference_parameter,
    items: {
        #[lh] async fn first_two(c: &mut Cur) -> usize {
            let a = c.next().unwrap();
            let n = pend(1, a.len()).await;
            log(format!("after {a}"));
            n + a.len()
        }
        pub async fn caller() -> usize {
            let mut c = Cur::new("alpha be gamma", "cur");
            let n = first_two(&mut c).await;
            n + c.at
        }
    },
    run: caller(),
}

differential! {
    /// Built by an associated constructor (`Cur::new`), `nth` lends: the
    /// slice is read after two awaits.
    name: lending_nth_from_constructed_cursor,
    items: {
        #[lh] async fn f() -> String {
            let mut c = Cur::new("a bb ccc dddd", "cur");
            let w = c.nth(2).unwrap_or("none");
            pend(1, ()).await;
            let _e = D::new("e");
            pend(2, ()).await;
            w.to_uppercase()
        }
    },
    run: f(),
}

differential! {
    /// A `while let` over a lending `next`, the word used on both sides
    /// of an await in the body.
    name: lending_next_in_while_let_body_awaits,
    items: {
        #[lh] async fn f() -> Vec<String> {
            let mut c = Cur::new("x yy zzz", "cur");
            let mut out = Vec::new();
            while let Some(w) = c.next() {
                log(format!("got {w}"));
                pend(1, ()).await;
                out.push(w.repeat(2));
            }
            out
        }
    },
    run: f(),
}

differential! {
    /// A user work queue whose `pop` returns owned jobs: taken as lending
    /// (its type is the user's), the queue is pinned. It is pushed to
    /// after each await and dropped at the end; drop order on completion
    /// and on cancellation must still be rustc's.
    name: owned_pop_on_user_queue_pinned_still_correct,
    items: {
        pub struct Queue { pub jobs: Vec<(u32, D)>, pub _d: D }
        impl Queue {
            pub fn pop(&mut self) -> Option<(u32, D)> { self.jobs.pop() }
            pub fn push(&mut self, n: u32) { self.jobs.push((n, D::new("requeued"))) }
        }
        #[lh] async fn f() -> u32 {
            let mut q = Queue { jobs: vec![(3, D::new("j3")), (1, D::new("j1"))], _d: D::new("queue") };
            let mut done = 0;
            while let Some((n, job)) = q.pop() {
                done += pend(1, n).await;
                if n == 1 { q.push(7); }
                job.touch();
            }
            drop(q);
            pend(1, done).await
        }
    },
    run: f(),
}

differential! {
    /// The standard library's `VecDeque::pop_front` beside it, read as
    /// owned (the deque moves into the state at each await and is
    /// pushed to afterwards).
    name: std_pop_front_kept_item_deque_moves,
    items: {
        #[lh] async fn f() -> usize {
            let mut q = std::collections::VecDeque::from(vec![D::new("a"), D::new("b")]);
            let mut seen = 0;
            while let Some(d) = q.pop_front() {
                pend(1, ()).await;
                seen += d.touch();
                if seen < 3 { q.push_back(D::new("c")); }
            }
            seen
        }
    },
    run: f(),
}

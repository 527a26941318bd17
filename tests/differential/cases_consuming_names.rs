//! Method names that longhand takes as consuming their receiver when the
//! call is awaited, `commit` and `rollback` (a transaction's, in sqlx and
//! tokio-postgres), beside `text`, `json` and `bytes` (a response's), and
//! the neighbours the guess must not break.
//!
//! Without types, a method called on a local is taken to borrow it unless
//! its name says otherwise; `tx.commit().await` with `fn commit(self)` then
//! failed to compile (E0507, the receiver moved out of its slot in the
//! state). The transaction shapes themselves are in `cases_stress16.rs`
//! (`transaction_commit_by_value_rollback_on_drop`,
//! `by_value_commit_awaited_on_local_minimal`) and `cases_stress19.rs`
//! (`sqlx_transaction_commit_rollback`). Here: a `&mut self` method
//! named `commit` on a local used again (borrowed, by the local's later
//! use), the explicit borrow that says so where the local is not used
//! again, and the one shape the guess gets wrong.
// `(&lg).commit()` is the borrow written out on purpose.
#![allow(clippy::needless_borrow)]

use super::harness::*;

differential! {
    /// A log's `commit(&mut self, k)` awaited twice on a local that is
    /// read again afterwards: its later use says it was borrowed.
    name: mut_self_commit_on_local_used_again,
    items: {
        pub struct Log { pub n: u32, pub _d: D }
        impl Log {
            pub async fn commit(&mut self, k: u32) -> u32 { self.n += k; pend(1, self.n).await }
            pub async fn rollback(&mut self) -> u32 { self.n = 0; pend(1, 0).await }
        }
        #[lh] async fn f(undo: bool) -> u32 {
            let mut log = Log { n: 0, _d: D::new("log") };
            let a = log.commit(2).await;
            let b = if undo { log.rollback().await } else { log.commit(3).await };
            a + b + log.n
        }
    },
    run: async { (f(false).await, f(true).await) },
}

differential! {
    /// A `&self` `commit` on a parameter that is not used again, written
    /// `(&lg).commit().await`: the explicit borrow keeps `lg` to the end of
    /// its scope, as rustc does.
    name: self_ref_commit_borrowed_explicitly,
    items: {
        pub struct Log { pub n: u32, pub _d: D }
        impl Log {
            pub async fn commit(&self) -> u32 { pend(1, self.n).await }
        }
        #[lh] async fn f(lg: Log) -> u32 {
            let a = (&lg).commit().await;
            log("after");
            a + pend(1, 4).await
        }
    },
    run: f(Log { n: 1, _d: D::new("log") }),
}

known_gap! {
    reason: "the transaction guess in reverse (fails to compile, E0597 `lg` does not live long enough): a user's `&self` async method named `commit` awaited on a local that is not used again (`let a = lg.commit().await;`) is taken to consume it, as sqlx's `Transaction::commit(self)` does, so `lg` is not kept for the awaitee to borrow; write `(&lg).commit().await` (`self_ref_commit_borrowed_explicitly`)",
    differential! {
        /// `self_ref_commit_borrowed_explicitly` without the explicit borrow.
        name: self_ref_commit_on_local_not_used_again,
        items: {
            pub struct Log { pub n: u32, pub _d: D }
            impl Log {
                pub async fn commit(&self) -> u32 { pend(1, self.n).await }
            }
            #[lh] async fn f(lg: Log) -> u32 {
                let a = lg.commit().await;
                log("after");
                a + pend(1, 4).await
            }
        },
        run: f(Log { n: 1, _d: D::new("log") }),
    }
}

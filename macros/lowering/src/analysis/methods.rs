//! What a method's name says about its receiver, where longhand cannot see
//! types: the standard library's methods that take `self` by value, those
//! that borrow it only to return an owned value, and `Iterator`'s adapters.
//! A user method of the same name is taken the same way (see the README's
//! known gaps).

use super::*;

/// Methods that borrow their receiver only to compute an owned result: what
/// they return does not borrow the receiver. An iterator's item may borrow
/// what the iterator borrows, never the iterator itself; a value popped off
/// a collection is owned. (A user type may lend under some of these names:
/// see `may_lend`.)
pub fn returns_owned(method: &str) -> bool {
    matches!(
        method,
        "next"
            | "next_back"
            | "nth"
            | "nth_back"
            | "pop"
            | "pop_front"
            | "pop_back"
            | "swap_remove"
            | "try_recv"
            | "clone"
            | "to_string"
            | "to_owned"
            | "to_vec"
            | "len"
            | "is_empty"
            | "contains"
            | "contains_key"
            | "starts_with"
            | "ends_with"
            | "eq"
            | "ne"
            | "cmp"
            | "partial_cmp"
            | "is_some"
            | "is_none"
            | "is_ok"
            | "is_err"
            | "capacity"
    )
}

/// Of `returns_owned`, the names a user type may reuse for a method that
/// lends from its receiver (a cursor's `next`, a ring buffer's `pop`): on a
/// local of a user type their result is taken to borrow it (`user_types`).
pub fn may_lend(method: &str) -> bool {
    matches!(
        method,
        "next" | "next_back" | "nth" | "nth_back" | "pop" | "pop_front" | "pop_back"
    )
}

/// Of `consumes_receiver`, the names that `Iterator` gives to methods
/// without arguments that fold it into one value, and that a user type
/// reuses for a method reading itself (a stats window's
/// `fn max(&self) -> u32`, a repository's `async fn count(&self)`): on a
/// local of a user type (`user_types`), called without arguments, they are
/// taken to borrow it.
pub fn may_read(method: &str) -> bool {
    matches!(method, "count" | "sum" | "product" | "max" | "min")
}

/// Methods of the standard library that take `self` by value. A receiver
/// that is a local is moved by these and borrowed (autoref) by any other;
/// longhand cannot see types, so this list is how it tells them apart.
pub fn consumes_receiver(method: &str) -> bool {
    method == "into"
        || method.starts_with("into_")
        || method.starts_with("unwrap")
        || method.starts_with("expect")
        || iterator_adapter(method)
        || matches!(
            method,
            "ok" | "err"
                | "max"
                | "min"
                | "build"
                | "finish"
                | "max_by"
                | "min_by"
                | "max_by_key"
                | "min_by_key"
                | "map_err"
                | "map_or"
                | "map_or_else"
                | "and_then"
                | "or_else"
                | "and"
                | "or"
                | "xor"
                | "ok_or"
                | "ok_or_else"
                | "unzip"
                | "transpose"
                | "collect"
                | "sum"
                | "product"
                | "count"
                | "fold"
                | "for_each"
                | "partition"
                | "reduce"
                | "boxed"
                | "join"
                | "downcast"
                | "or_insert"
                | "or_insert_with"
                | "or_insert_with_key"
                | "or_default"
                | "and_modify"
                // reqwest's `Response`: `?` on the status, the response
                // given back (`error_for_status_ref` borrows).
                | "error_for_status"
        )
}

/// `Iterator`'s adapters, which take `self` and return an iterator (some
/// names, `map`, `filter`, `flatten`, are `Option`'s too, and take `self`
/// there as well).
pub(super) fn iterator_adapter(method: &str) -> bool {
    matches!(
        method,
        "map"
            | "filter"
            | "filter_map"
            | "flat_map"
            | "flatten"
            | "copied"
            | "cloned"
            | "inspect"
            | "scan"
            | "zip"
            | "rev"
            | "enumerate"
            | "skip"
            | "step_by"
            | "chain"
            | "cycle"
            | "peekable"
            | "fuse"
            | "take_while"
            | "skip_while"
            | "map_while"
    )
}

/// Does method call `m` take its receiver by value? The names of
/// `consumes_receiver`, and two names that take `self` on an iterator
/// (`v.iter().take(2)`, `line.split(' ').last()`) and borrow elsewhere
/// (`Option::take`, a slice's `last` through a guard, `q.borrow().last()`):
/// by value where the receiver is made by a method that returns an
/// iterator, or is a range.
pub fn method_consumes_receiver(m: &syn::ExprMethodCall) -> bool {
    let method = m.method.to_string();
    consumes_receiver(&method)
        || (matches!(method.as_str(), "take" | "last") && makes_iterator(&m.receiver))
}

/// Is `e` an iterator made where it is used: a range, or a call of a
/// method that returns one (`iter`, `chars`, `split`, `keys`, an adapter)?
pub(super) fn makes_iterator(e: &Expr) -> bool {
    match e {
        Expr::Paren(p) => makes_iterator(&p.expr),
        Expr::Range(_) => true,
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            iterator_adapter(&method)
                || matches!(
                    method.as_str(),
                    "iter"
                        | "iter_mut"
                        | "into_iter"
                        | "chars"
                        | "char_indices"
                        | "bytes"
                        | "split"
                        | "rsplit"
                        | "splitn"
                        | "rsplitn"
                        | "split_terminator"
                        | "split_whitespace"
                        | "split_ascii_whitespace"
                        | "lines"
                        | "keys"
                        | "values"
                        | "values_mut"
                        | "into_keys"
                        | "into_values"
                        | "drain"
                        | "windows"
                        | "chunks"
                        | "chunks_exact"
                        | "rchunks"
                        | "matches"
                        | "match_indices"
                        | "take"
                )
        }
        _ => false,
    }
}

/// Async methods of widely used crates that take `self` by value, under
/// names that are not on the list above: reqwest's `Response::text`, `json`
/// and `bytes` (and axum's multipart `Field`), so that
/// `get(url).await?.json().await?` and `resp.text().await` move the
/// response into the awaitee; and a transaction's `commit` and `rollback`
/// (sqlx, tokio-postgres, and rusqlite and redb synchronously: dropping a
/// transaction rolls it back, so finishing it consumes it), so that
/// `tx.commit().await?` works as written. Only when the call is awaited: a
/// synchronous `text()` (a DOM node's, say) or `commit(n)` (a ring
/// buffer's) borrows. Guessed wrong, a user's awaited `&self` method of
/// one of these names on a local that is not used again is reported by
/// rustc (E0597 at the local); `(&log).commit().await` says it borrows.
pub fn awaited_consumes_receiver(method: &str) -> bool {
    consumes_receiver(method)
        || matches!(
            method,
            "text" | "json" | "bytes" | "bytes_stream" | "upgrade" | "commit" | "rollback"
        )
}

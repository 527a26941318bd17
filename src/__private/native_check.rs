//! The native check: the user's body, also written as a native `async`
//! closure that is type-checked and never run.
//!
//! When the lowering pins a local, borrows of it cross polls where the
//! lowered code cannot show them to rustc (each poll reaches the local
//! afresh). The same body as an `async` closure can: rustc's borrow checker
//! then rejects, in the user's own terms, what would be unsound. The closure
//! takes the parameters as one nested pair whose type is taken from the
//! lowered function's own parameters ([`phantom_of`] each, [`phantom_cons`]
//! to pair them), so that `impl Trait` parameters, which a closure cannot
//! name, need not be written.

use core::marker::PhantomData;

/// Type-checks `body` against parameters of type `A`; never calls it.
#[inline(always)]
pub fn native_check<A, R, F: AsyncFnOnce(A) -> R>(_args: PhantomData<A>, _body: F) {}

/// A generator's `yield_!(v)` in the native check: takes `v` by value, as
/// the generator does, typed as the item (`yielded::<u32>(v.iter().sum())`
/// infers like the generator's own yield).
#[inline(always)]
pub fn yielded<T>(_value: T) {}

/// The type of a value, without using the value.
#[inline(always)]
pub fn phantom_of<T>(_: &T) -> PhantomData<T> {
    PhantomData
}

/// The parameters' types as a nested pair, `(A, (B, ()))`: built from the
/// last parameter back, `phantom_cons(phantom_of(&a), phantom_cons(.., PhantomData))`.
/// (A plain generic function, so the type is known before the closure is
/// checked; a trait's associated type would not be.)
#[inline(always)]
pub fn phantom_cons<H, T>(_head: PhantomData<H>, _tail: PhantomData<T>) -> PhantomData<(H, T)> {
    PhantomData
}

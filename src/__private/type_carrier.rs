//! Types carried between the arms of a poll closure.
//!
//! A local that holds no value at a suspension point is not stored, and is
//! declared anew, without a value, where the resumed code assigns it. The
//! lowering ties its type to its first `let` through an empty carrier,
//! `let __lh_type7 = None;`, declared once in the poll closure:
//! [`type_witness`] after the `let` says the carrier holds the local's
//! type, and a dead `r = typed_as(&carrier)` where it is declared anew
//! gives the new declaration that type, so later assignments coerce to it
//! as rustc's do.

/// Says that `carrier` carries the type of `value`. Does nothing at run
/// time.
///
/// ```
/// use longhand::__private::{type_witness, typed_as};
/// let carrier = None;
/// let r = &5u8;
/// type_witness(&carrier, &r);
/// let mut again;
/// if false {
///     again = typed_as(&carrier);
/// }
/// again = &6; // `&u8`, as `r` is
/// assert_eq!(*again, 6u8);
/// ```
#[inline(always)]
pub fn type_witness<T>(_carrier: &Option<T>, _value: &T) {}

/// A value of the type `carrier` carries, for dead code only: the lowering
/// calls it under `if false`. Panics if called.
///
/// ```should_panic
/// let carrier: Option<u8> = None;
/// let _: u8 = longhand::__private::typed_as(&carrier);
/// ```
#[inline(always)]
pub fn typed_as<T>(_carrier: &Option<T>) -> T {
    unreachable!("longhand: a type carrier is read only in dead code")
}

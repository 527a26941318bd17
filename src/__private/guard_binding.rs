//! A `match` guard's view of its bindings, held past the guard.
//!
//! Inside a guard, rustc binds a by-value binding by shared reference to the
//! matched place (`x` reads `*ref_x`), so that a guard that fails moves
//! nothing. An `.await` in a guard cuts it in two states, so longhand tests
//! the arm's pattern first and evaluates the guard afterwards (see the
//! lowering's `guard_awaits`): the pattern is matched in a `match` whose
//! guard breaks out with a reference to each binding, and the guard then
//! reads `*r` wherever it named the binding.
//!
//! The reference must reach the matched place, not the guard's own binding:
//! a by-value binding `x: T` gives `&x`, which points into the scrutinee; a
//! binding that is already a reference (`ref x`, or `x` under match
//! ergonomics) is copied out instead, since `&x` would point at the guard's
//! local. Which of the two applies is decided by the type, through method
//! resolution: [`GuardBinding::hold`] on `GuardBinding<&U>` is an inherent
//! method, which wins over the trait method [`HoldByRef::hold`] that every
//! other type gets. Either result dereferences to the binding as the guard
//! sees it, so the guard reads `(*k)`: a place, like the binding it stands
//! for.

/// A guard binding, borrowed for [`GuardBinding::hold`].
///
/// ```
/// use longhand::__private::{GuardBinding, HoldByRef};
/// let v = (3u32, String::from("s"));
/// let (n, s) = (GuardBinding(&v.0).hold(), GuardBinding(&&v.1).hold());
/// assert_eq!((*n, (*s).len()), (3, 1));
/// ```
pub struct GuardBinding<'a, X: ?Sized>(pub &'a X);

/// A binding that is a shared reference, copied out of the guard.
///
/// ```
/// use longhand::__private::{GuardBinding, HeldCopy};
/// let s = String::from("ab");
/// let binding: &String = &s; // `ref s`, or `s` under match ergonomics
/// let held: HeldCopy<&String> = GuardBinding(&binding).hold();
/// assert_eq!((*held).len(), 2);
/// ```
#[derive(Clone, Copy)]
pub struct HeldCopy<R>(R);

/// A reference to the matched place of a by-value binding.
///
/// ```
/// use longhand::__private::{GuardBinding, HeldRef, HoldByRef};
/// let pair = (7u32, String::from("x"));
/// let held: HeldRef<'_, u32> = GuardBinding(&pair.0).hold();
/// assert_eq!(*held, 7);
/// ```
pub struct HeldRef<'a, X: ?Sized>(&'a X);

// By hand: a derive would ask `X: Clone`, and only the reference is copied.
impl<X: ?Sized> Clone for HeldRef<'_, X> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<X: ?Sized> Copy for HeldRef<'_, X> {}

impl<'l, U: ?Sized> GuardBinding<'_, &'l U> {
    /// A binding that is a reference: the reference itself, copied.
    #[inline(always)]
    pub fn hold(&self) -> HeldCopy<&'l U> {
        HeldCopy(*self.0)
    }
}

/// The fallback of [`GuardBinding::hold`], for a binding that is not a
/// shared reference: a reference to the matched place.
///
/// ```
/// use longhand::__private::{GuardBinding, HoldByRef};
/// let x = 5u8;
/// let r = GuardBinding(&x).hold();
/// assert_eq!(*r, 5);
/// ```
pub trait HoldByRef<'a, X: ?Sized> {
    /// A reference to the binding's place.
    fn hold(&self) -> HeldRef<'a, X>;
}

impl<'a, X: ?Sized> HoldByRef<'a, X> for GuardBinding<'a, X> {
    #[inline(always)]
    fn hold(&self) -> HeldRef<'a, X> {
        HeldRef(self.0)
    }
}

impl<R> core::ops::Deref for HeldCopy<R> {
    type Target = R;
    #[inline(always)]
    fn deref(&self) -> &R {
        &self.0
    }
}

impl<X: ?Sized> core::ops::Deref for HeldRef<'_, X> {
    type Target = X;
    #[inline(always)]
    fn deref(&self) -> &X {
        self.0
    }
}

//! Looking inside a lowered future while it runs.
//!
//! A `#[longhand::desugar]` function returns
//! `impl Future<Output = R> + Inspect`: between polls, `state()` names the
//! state the machine is in, so a future can be stepped through by hand. It
//! costs nothing unless called.

/// The current state of a lowered future: `"Unresumed"`, `"Suspend0"`, ...,
/// `"Returned"` or `"Panicked"`. (A join point's `"Join0"`, ... is passed
/// through within a poll, so it is never seen between polls.)
///
/// ```
/// use longhand::Inspect;
/// use std::future::Future;
/// use std::task::{Context, Poll, Waker};
///
/// #[longhand::desugar]
/// async fn twice() -> u32 {
///     longhand::yield_now().await;
///     2
/// }
///
/// let mut fut = std::pin::pin!(twice());
/// assert_eq!(fut.state(), "Unresumed");
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(fut.as_mut().poll(&mut cx).is_pending());
/// assert_eq!(fut.state(), "Suspend0");
/// assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(2));
/// assert_eq!(fut.state(), "Returned");
/// ```
pub trait Inspect {
    /// The name of the state the machine is in.
    fn state(&self) -> &'static str;
}

impl<T: Inspect + ?Sized> Inspect for &T {
    fn state(&self) -> &'static str {
        (**self).state()
    }
}

impl<T: Inspect + ?Sized> Inspect for &mut T {
    fn state(&self) -> &'static str {
        (**self).state()
    }
}

impl<P> Inspect for core::pin::Pin<P>
where
    P: core::ops::Deref,
    P::Target: Inspect,
{
    fn state(&self) -> &'static str {
        (**self).state()
    }
}

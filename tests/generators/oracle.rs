//! rustc as the oracle for generators.
//!
//! Stable Rust has no `gen` blocks, but rustc lowers `gen` and `async`
//! blocks into the same coroutines: a `gen` body is an `async` body whose
//! `yield v` stores `v` where the caller can take it and suspends once. So
//! the native side of a [`gen_differential!`] case is the generator's body
//! inside an `async move` block, with `yield_!(v)` written as
//! `yield_value(v).await` ([`yield_value`] parks `v` in a thread-local slot
//! and returns `Pending` once). [`Native`] drives that future the way
//! rustc's `gen` and `async gen` blocks drive their coroutine:
//! a `Pending` with a parked value is an item, a `Pending` without one is an
//! await that is not ready (streams only), `Ready` is the end. The parameters
//! are moved in first with `let p = p;`, as rustc does for `async fn`.
//!
//! [`gen_differential!`] compiles the same body twice, once that way and
//! once through `#[longhand::generator]`, and compares everything a user can
//! observe: the items, the event log (evaluation and drop order) around every
//! `next()`, panics, what happens after the end or a panic, and the drops
//! when the generator is dropped after every possible number of steps.

use std::any::Any;
use std::cell::RefCell;
use std::fmt::Debug;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use longhand::Stream;

use crate::{log, take_log};

thread_local! {
    /// One slot per generator being resumed (a stack: a generator's body
    /// may drive another generator).
    static SLOTS: RefCell<Vec<Option<Box<dyn Any>>>> = const { RefCell::new(Vec::new()) };
}

/// The future `yield_!(v)` awaits on the native side: parks `v` in the
/// innermost slot and suspends once.
pub struct Yield<T> {
    value: Option<T>,
}

// `Yield` never pins its value: it only moves it out.
impl<T> Unpin for Yield<T> {}

/// `yield v` written as an await, for the native side.
///
/// ```ignore
/// yield_value::<u32>(1).await; // what `yield_!(1)` becomes natively
/// ```
pub fn yield_value<T: 'static>(value: T) -> Yield<T> {
    Yield { value: Some(value) }
}

impl<T: 'static> Future for Yield<T> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        match self.value.take() {
            Some(v) => {
                SLOTS.with(|s| {
                    let mut s = s.borrow_mut();
                    let top = s
                        .last_mut()
                        .expect("yield_value outside a native generator");
                    *top = Some(Box::new(v));
                });
                Poll::Pending
            }
            None => Poll::Ready(()),
        }
    }
}

/// Polls `fut` once with a fresh slot on the stack; returns the poll's
/// result and what the body parked there. The slot is popped even when the
/// poll panics.
fn resume<F: Future<Output = ()>>(
    fut: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> (Poll<()>, Option<Box<dyn Any>>) {
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            SLOTS.with(|s| s.borrow_mut().pop());
        }
    }
    SLOTS.with(|s| s.borrow_mut().push(None));
    let pop = Pop;
    let r = fut.poll(cx);
    let parked = SLOTS.with(|s| s.borrow_mut().last_mut().and_then(Option::take));
    drop(pop);
    (r, parked)
}

fn item<T: 'static>(parked: Box<dyn Any>) -> T {
    *parked
        .downcast::<T>()
        .unwrap_or_else(|_| panic!("yielded a value of another type"))
}

/// Where a native generator is: running, finished, or poisoned by a panic.
#[derive(PartialEq)]
enum Phase {
    Running,
    Done,
    Poisoned,
}

/// rustc's `gen` block (as an `Iterator`) or `async gen` block (as a
/// `Stream`): the same coroutine, driven by `next()` or `poll_next()`.
///
/// ```ignore
/// let it = Native::<u32, _>::new(async move { yield_value(1u32).await });
/// ```
pub struct Native<T, F> {
    fut: Pin<Box<F>>,
    phase: Phase,
    _item: std::marker::PhantomData<fn() -> T>,
}

impl<T: 'static, F: Future<Output = ()>> Native<T, F> {
    pub fn new(fut: F) -> Self {
        Native {
            fut: Box::pin(fut),
            phase: Phase::Running,
            _item: std::marker::PhantomData,
        }
    }

    /// Resumes the body once: an item, the end, or `Pending` (an await that
    /// is not ready). Resumed after a panic, it panics with `poisoned`.
    fn step(&mut self, cx: &mut Context<'_>, poisoned: &str) -> Poll<Option<T>> {
        match self.phase {
            Phase::Done => return Poll::Ready(None),
            Phase::Poisoned => panic!("{poisoned}"),
            Phase::Running => {}
        }
        let fut = self.fut.as_mut();
        match catch_unwind(AssertUnwindSafe(|| resume(fut, cx))) {
            Err(p) => {
                self.phase = Phase::Poisoned;
                resume_unwind(p)
            }
            Ok((Poll::Ready(()), _)) => {
                self.phase = Phase::Done;
                Poll::Ready(None)
            }
            Ok((Poll::Pending, Some(v))) => Poll::Ready(Some(item(v))),
            Ok((Poll::Pending, None)) => Poll::Pending,
        }
    }
}

impl<T: 'static, F: Future<Output = ()>> Iterator for Native<T, F> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let mut cx = Context::from_waker(Waker::noop());
        // What rustc's `gen` blocks say when resumed after a panic.
        let poisoned = "`gen fn` should just keep returning `None` after panicking";
        match self.step(&mut cx, poisoned) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("a sync generator's body awaited"),
        }
    }
}

impl<T: 'static, F: Future<Output = ()>> Stream for Native<T, F> {
    type Item = T;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // (`Native` is `Unpin`: its future is boxed.)
        self.get_mut()
            .step(cx, "`async gen fn` resumed after panicking")
    }
}

/// A future that is `Pending` `n` times, then gives `v`; logs its drop when
/// dropped unfinished (an await cancelled with the generator).
///
/// ```ignore
/// let three = pend(2, 3).await; // suspends twice
/// ```
pub fn pend<T>(n: u32, v: T) -> Pend<T> {
    Pend {
        left: n,
        value: Some(v),
    }
}

/// See [`pend`].
pub struct Pend<T> {
    left: u32,
    value: Option<T>,
}

impl<T> Unpin for Pend<T> {}

impl<T> Future for Pend<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<T> {
        if self.left == 0 {
            Poll::Ready(self.value.take().expect("pend polled after completion"))
        } else {
            self.left -= 1;
            Poll::Pending
        }
    }
}

impl<T> Drop for Pend<T> {
    fn drop(&mut self) {
        if self.value.is_some() {
            log("drop pend");
        }
    }
}

fn panic_text(p: &(dyn Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<non-string panic>".into())
}

/// How many steps one side takes at most: a runaway generator is a failure,
/// not a hang.
const MAX_STEPS: usize = 200;

/// Drives a stream to its end (or a panic), then once more, polling at most
/// `limit` times before that; returns the event log with every poll's
/// result in it (an iterator is driven as `stream::iter` of it).
fn run<S: Stream<Item: Debug>>(make: impl Fn() -> S, limit: Option<usize>) -> Vec<String> {
    let _ = take_log();
    let mut s = Box::pin(make());
    log("-- made");
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    let mut ended = false;
    while limit.is_none_or(|l| polls < l) && polls < MAX_STEPS {
        polls += 1;
        match catch_unwind(AssertUnwindSafe(|| s.as_mut().poll_next(&mut cx))) {
            Ok(Poll::Pending) => log("-> Pending"),
            Ok(Poll::Ready(Some(v))) => log(format!("-> {v:?}")),
            Ok(Poll::Ready(None)) => {
                log("-> None");
                ended = true;
                break;
            }
            Err(p) => {
                log(format!("-> panic {}", panic_text(&*p)));
                ended = true;
                break;
            }
        }
    }
    if ended {
        match catch_unwind(AssertUnwindSafe(|| s.as_mut().poll_next(&mut cx))) {
            Ok(v) => log(format!("-> again {v:?}")),
            Err(p) => log(format!("-> again panic {}", panic_text(&*p))),
        }
    }
    log(format!("-- drop after {polls} polls"));
    drop(s);
    take_log()
}

/// With `DIFFERENTIAL_VERBOSE=1` (and `-- --nocapture`), prints the native
/// log of every case.
fn verbose(full: &[String]) {
    if std::env::var_os("DIFFERENTIAL_VERBOSE").is_some() {
        println!("{full:#?}");
    }
}

fn steps_of(full: &[String]) -> usize {
    full.iter()
        .filter(|e| e.starts_with("-> ") && !e.starts_with("-> again"))
        .count()
}

/// Runs both iterators to the end and dropped after every number of steps;
/// panics with both logs where they differ. Each `next()` is a poll of
/// `stream::iter` over the iterator, which adds nothing to the log.
pub fn compare_iters<A, B>(native: impl Fn() -> A, lowered: impl Fn() -> B)
where
    A: Iterator<Item: Debug>,
    B: Iterator<Item: Debug>,
{
    compare_streams(
        || futures::stream::iter(native()),
        || futures::stream::iter(lowered()),
    )
}

/// [`compare_iters`] for streams, cancelled after every number of polls.
pub fn compare_streams<A, B>(native: impl Fn() -> A, lowered: impl Fn() -> B)
where
    A: Stream<Item: Debug>,
    B: Stream<Item: Debug>,
{
    let full = run(&native, None);
    verbose(&full);
    assert_eq!(
        run(&lowered, None),
        full,
        "full run (left: lowered, right: native)"
    );
    for k in 0..steps_of(&full) {
        let n = run(&native, Some(k));
        assert_eq!(
            run(&lowered, Some(k)),
            n,
            "dropped after {k} polls (left: lowered, right: native)"
        );
    }
}

/// The comparison for a generator's kind: `compare_iters` or
/// `compare_streams`.
macro_rules! compare_kind {
    (Iterator) => {
        $crate::oracle::compare_iters
    };
    (Stream) => {
        $crate::oracle::compare_streams
    };
}

/// One generator compiled twice and compared: see the module header.
///
/// A free generator may have generic parameters, written in brackets after
/// its name (`fn g[T: Clone + 'static](v: Vec<T>) -> ..`: `macro_rules!`
/// cannot take them in angle brackets), and a method generator is written
/// in an `impl` of a type declared in `items`, with `&self` or `self` (the
/// receiver is taken from the case: `self` is hygienic in `macro_rules!`);
/// a `&self` generator runs on a `static` owner, so that it can outlive
/// `run`. A method's native body is an `async fn` of a trait the case
/// implements: an `async` block would capture only the fields of `self` it
/// names, where a generator (as an `async fn`) takes `self` whole.
///
/// ```ignore
/// gen_differential! {
///     /// what the case covers
///     name: counts_up,
///     items: {},
///     gen: fn count(n: u32) -> impl Iterator<Item = u32> {
///         for i in 0..n { yield_!(i); }
///     },
///     run: count(3),
/// }
/// ```
macro_rules! gen_differential {
    (
        $(#[$meta:meta])*
        name: $name:ident,
        items: { $($items:tt)* },
        gen: fn $g:ident $([$($gen:tt)*])? ($($p:ident : $t:ty),* $(,)?)
            -> impl $kind:ident<Item = $item:ty> $body:block,
        run: $run:expr $(,)?
    ) => {
        gen_differential!(@case $(#[$meta])* $name, { $($items)* }, $kind, $item, $run,
            native: {
                pub fn $g<$($($gen)*)?>($($p: $t),*) -> impl $kind<Item = $item> {
                    $crate::oracle::Native::<$item, _>::new(async move {
                        $(let $p = $p;)*
                        $body
                    })
                }
            },
            lowered: {
                #[longhand::generator]
                pub fn $g<$($($gen)*)?>($($p: $t),*) -> impl $kind<Item = $item> $body
            });
    };
    (
        $(#[$meta:meta])*
        name: $name:ident,
        items: { $($items:tt)* },
        gen: impl $owner:ident {
            fn $g:ident (&$this:ident $(, $p:ident : $t:ty)* $(,)?)
                -> impl $kind:ident<Item = $item:ty> $body:block
        },
        run: $run:expr $(,)?
    ) => {
        gen_differential!(@method $(#[$meta])* $name, { $($items)* }, $owner, $g,
            [&$this], $this, ($($p: $t),*), $kind, $item, $body, $run);
    };
    (
        $(#[$meta:meta])*
        name: $name:ident,
        items: { $($items:tt)* },
        gen: impl $owner:ident {
            fn $g:ident ($this:ident $(, $p:ident : $t:ty)* $(,)?)
                -> impl $kind:ident<Item = $item:ty> $body:block
        },
        run: $run:expr $(,)?
    ) => {
        gen_differential!(@method $(#[$meta])* $name, { $($items)* }, $owner, $g,
            [$this], $this, ($($p: $t),*), $kind, $item, $body, $run);
    };
    // A method generator, its receiver written `[$($recv)*]` (`&self` or
    // `self`) and named `$this`.
    (@method $(#[$meta:meta])* $name:ident, { $($items:tt)* }, $owner:ident, $g:ident,
        [$($recv:tt)*], $this:ident, ($($p:ident : $t:ty),*), $kind:ident, $item:ty,
        $body:block, $run:expr) => {
        gen_differential!(@case $(#[$meta])* $name, { $($items)* }, $kind, $item, $run,
            native: {
                trait NativeBody {
                    async fn $g($($recv)*, $($p: $t),*);
                }
                impl NativeBody for $owner {
                    async fn $g($($recv)*, $($p: $t),*) $body
                }
                impl $owner {
                    pub fn $g($($recv)*, $($p: $t),*) -> impl $kind<Item = $item> {
                        $crate::oracle::Native::<$item, _>::new(
                            <$owner as NativeBody>::$g($this, $($p),*),
                        )
                    }
                }
            },
            lowered: {
                impl $owner {
                    #[longhand::generator]
                    pub fn $g($($recv)*, $($p: $t),*) -> impl $kind<Item = $item> $body
                }
            });
    };
    (@case $(#[$meta:meta])* $name:ident, { $($items:tt)* }, $kind:ident, $item:ty, $run:expr,
        native: { $($native:tt)* }, lowered: { $($lowered:tt)* }) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_imports)]
            use $crate::oracle::*;
            #[allow(unused_imports)]
            use longhand::Stream;

            mod native {
                #[allow(unused_imports)]
                use super::*;

                #[allow(unused_macros)]
                macro_rules! yield_ {
                    ($v:expr) => {
                        $crate::oracle::yield_value::<$item>($v).await
                    };
                }

                $($items)*

                $($native)*

                pub fn run() -> impl $kind<Item: ::core::fmt::Debug> {
                    $run
                }
            }

            mod lowered {
                #[allow(unused_imports)]
                use super::*;

                $($items)*

                $($lowered)*

                pub fn run() -> impl $kind<Item: ::core::fmt::Debug> {
                    $run
                }
            }

            #[test]
            fn same_as_rustc() {
                compare_kind!($kind)(native::run, lowered::run)
            }
        }
    };
}

/// A generator the lowering cannot handle yet, kept verbatim (and out of
/// the build) with its reason, as `known_gap!` in `tests/differential`:
/// `known_gap! { reason: "..", gen_differential! { .. } }`. Re-enable a
/// case by removing the wrapper.
macro_rules! known_gap {
    (reason: $reason:literal, $($case:tt)*) => {};
}

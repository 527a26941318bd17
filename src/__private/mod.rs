//! Support code that `#[longhand::desugar]` expansions call into. Not a public API.
//!
//! The expansion of an `async fn` declares its own state enum and a poll
//! closure; everything generic and unsafe that does not depend on the function
//! lives here, written once and checked once:
//!
//! - [`Lowered`] pairs the state with the closure and implements `Future`;
//! - [`Awaitee`] is the in-place slot of the future being awaited, with the
//!   guards that keep the state consistent if user code panics;
//! - [`Try`] and [`FromResidual`] give `?` a stable spelling inside the body.

mod awaitee;
mod generator;
mod guard_binding;
mod lowered;
mod native_check;
mod pinned;
mod temporary;
pub mod trace;
mod try_trait;
mod type_carrier;

pub use awaitee::{
    AbandonGuard, Awaitee, Kept, StateMachine, output_of, output_of_operand, output_of_operand_in,
    poll_awaitee,
};
pub use generator::{GenIter, GenStream, Sink, empty_stream, gen_iter, gen_stream, offer};
pub use guard_binding::{GuardBinding, HeldCopy, HeldRef, HoldByRef};
pub use lowered::{Lowered, lowered, lowered_settling};
pub use native_check::{native_check, phantom_cons, phantom_of, yielded};
pub use pinned::{Assign, PinGuard, PinLocal, PinSlot, PinSlots};
pub use temporary::end_temporary;
pub use try_trait::{FromResidual, Try};
pub use type_carrier::{type_witness, typed_as};

pub use core::future::{Future, IntoFuture};
pub use core::ops::ControlFlow;
pub use core::pin::Pin;
pub use core::ptr;
pub use core::task::{Context, Poll};

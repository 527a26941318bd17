//! Networking: [`TcpListener`], [`TcpStream`] and [`UdpSocket`].
//!
//! Each wraps the `std::net` socket, switched to non-blocking mode and registered with
//! the reactor that is current when it is created (the running `block_on`'s, or the
//! fallback reactor), once, edge-triggered. Every operation first just tries the
//! system call while the socket may be ready; on `WouldBlock` the task's waker is
//! stored, and the reactor wakes the task when the poller reports the socket ready
//! again (see `reactor/source.rs`).
//!
//! A socket is bound to the reactor it registered with: use it on the thread (and
//! `block_on`) that created it, or create it outside any runtime so it uses the
//! always-running fallback reactor.

mod addr;
mod tcp;
mod udp;

pub use tcp::{TcpListener, TcpStream};
pub use udp::UdpSocket;

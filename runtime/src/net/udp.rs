//! UDP: a datagram socket over a non-blocking `std::net::UdpSocket`.

use std::future::poll_fn;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use crate::reactor::{Async, Direction};

/// A UDP socket.
///
/// ```
/// use longhand_runtime::net::UdpSocket;
/// longhand_runtime::block_on(async {
///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     a.send_to(b"hey", b.local_addr().unwrap()).await.unwrap();
///     let mut buf = [0; 16];
///     let (n, from) = b.recv_from(&mut buf).await.unwrap();
///     assert_eq!(&buf[..n], b"hey");
///     assert_eq!(from, a.local_addr().unwrap());
/// });
/// ```
#[derive(Debug)]
pub struct UdpSocket {
    inner: Async<std::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds to `addr`.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let s = longhand_runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert_ne!(s.local_addr().unwrap().port(), 0);
    /// });
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        UdpSocket::from_std(std::net::UdpSocket::bind(addr)?)
    }

    /// Wraps a std socket (switching it to non-blocking mode).
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let std_s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     longhand_runtime::net::UdpSocket::from_std(std_s).unwrap();
    /// });
    /// ```
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        Ok(UdpSocket {
            inner: Async::new(socket)?,
        })
    }

    /// The local address.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let s = longhand_runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(s.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Sends a datagram to `target` (the first address it resolves to).
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let s = longhand_runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let n = s.send_to(b"x", s.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(n, 1);
    /// });
    /// ```
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let target = target
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to send to"))?;
        poll_fn(|cx| {
            self.inner
                .poll_io(cx, Direction::Write, |s| s.send_to(buf, target))
        })
        .await
    }

    /// Receives a datagram, returning its length and sender.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let s = longhand_runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     s.send_to(b"loop", s.local_addr().unwrap()).await.unwrap();
    ///     let mut buf = [0; 8];
    ///     let (n, _) = s.recv_from(&mut buf).await.unwrap();
    ///     assert_eq!(&buf[..n], b"loop");
    /// });
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| {
            self.inner
                .poll_io(cx, Direction::Read, |s| s.recv_from(buf))
        })
        .await
    }

    /// Sets the default peer for [`send`](Self::send) and [`recv`](Self::recv).
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let s = longhand_runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     s.connect(s.local_addr().unwrap()).unwrap();
    ///     s.send(b"me").await.unwrap();
    ///     let mut buf = [0; 2];
    ///     assert_eq!(s.recv(&mut buf).await.unwrap(), 2);
    /// });
    /// ```
    pub fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        self.inner.get_ref().connect(addr)
    }

    /// Sends to the connected peer.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let s = longhand_runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     s.connect(s.local_addr().unwrap()).unwrap();
    ///     assert_eq!(s.send(b"abc").await.unwrap(), 3);
    /// });
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.inner.poll_io(cx, Direction::Write, |s| s.send(buf))).await
    }

    /// Receives from the connected peer.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let s = longhand_runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     s.connect(s.local_addr().unwrap()).unwrap();
    ///     s.send(b"abc").await.unwrap();
    ///     let mut buf = [0; 3];
    ///     s.recv(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"abc");
    /// });
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.inner.poll_io(cx, Direction::Read, |s| s.recv(buf))).await
    }
}

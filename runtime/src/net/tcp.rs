//! TCP: a listener and a stream over non-blocking `std::net` sockets.

use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::reactor::{Async, Direction};

/// A TCP server socket.
///
/// ```
/// use longhand_runtime::net::{TcpListener, TcpStream};
/// longhand_runtime::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let client = longhand_runtime::spawn(async move {
///         let mut s = TcpStream::connect(addr).await.unwrap();
///         s.write_all(b"ping").await.unwrap();
///     });
///     let (mut conn, _peer) = listener.accept().await.unwrap();
///     let mut buf = [0; 4];
///     conn.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"ping");
///     client.await.unwrap();
/// });
/// ```
#[derive(Debug)]
pub struct TcpListener {
    inner: Async<std::net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` (anything `std::net::ToSocketAddrs` accepts; port 0 picks a
    /// free port).
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let l = longhand_runtime::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    ///     assert_ne!(l.local_addr().unwrap().port(), 0);
    /// });
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        TcpListener::from_std(std::net::TcpListener::bind(addr)?)
    }

    /// Wraps a std listener (switching it to non-blocking mode).
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let std_l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let l = longhand_runtime::net::TcpListener::from_std(std_l).unwrap();
    ///     l.local_addr().unwrap();
    /// });
    /// ```
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        Ok(TcpListener {
            inner: Async::new(listener)?,
        })
    }

    /// The address the listener is bound to.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let l = longhand_runtime::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(l.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Waits for and accepts a connection.
    ///
    /// ```
    /// use longhand_runtime::net::{TcpListener, TcpStream};
    /// longhand_runtime::block_on(async {
    ///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = l.local_addr().unwrap();
    ///     let (conn, client) = longhand_runtime::join!(l.accept(), TcpStream::connect(addr));
    ///     let (conn, peer) = conn.unwrap();
    ///     assert_eq!(peer, client.unwrap().local_addr().unwrap());
    ///     drop(conn);
    /// });
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, addr) =
            poll_fn(|cx| self.inner.poll_io(cx, Direction::Read, |l| l.accept())).await?;
        Ok((TcpStream::from_std(stream)?, addr))
    }
}

/// A TCP connection.
///
/// Besides the inherent async methods it implements `futures_io::AsyncRead` and
/// `AsyncWrite`, so the `futures` crate's extension traits work on it.
///
/// ```
/// use longhand_runtime::net::{TcpListener, TcpStream};
/// longhand_runtime::block_on(async {
///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = l.local_addr().unwrap();
///     let echo = longhand_runtime::spawn(async move {
///         let (mut c, _) = l.accept().await.unwrap();
///         let mut buf = [0; 64];
///         let n = c.read(&mut buf).await.unwrap();
///         c.write_all(&buf[..n]).await.unwrap();
///     });
///     let mut s = TcpStream::connect(addr).await.unwrap();
///     s.write_all(b"hi").await.unwrap();
///     let mut back = [0; 2];
///     s.read_exact(&mut back).await.unwrap();
///     assert_eq!(&back, b"hi");
///     echo.await.unwrap();
/// });
/// ```
#[derive(Debug)]
pub struct TcpStream {
    inner: Async<std::net::TcpStream>,
}

impl TcpStream {
    /// Connects to `addr`, trying each resolved address in turn.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let l = longhand_runtime::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let port = l.local_addr().unwrap().port();
    ///     let s = longhand_runtime::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    ///     assert_eq!(s.peer_addr().unwrap().port(), port);
    /// });
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let mut last = None;
        for a in addr.to_socket_addrs()? {
            match TcpStream::connect_one(a).await {
                Ok(s) => return Ok(s),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "no addresses to connect to")
        }))
    }

    async fn connect_one(addr: SocketAddr) -> io::Result<TcpStream> {
        let stream = TcpStream {
            inner: Async::new(super::addr::start_connect(addr)?)?,
        };
        poll_fn(|cx| {
            stream.inner.poll_io(cx, Direction::Write, |s| {
                if let Some(e) = s.take_error()? {
                    return Err(e);
                }
                match s.peer_addr() {
                    Ok(_) => Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                        Err(io::ErrorKind::WouldBlock.into())
                    }
                    Err(e) => Err(e),
                }
            })
        })
        .await?;
        Ok(stream)
    }

    /// Wraps a connected std stream (switching it to non-blocking mode).
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let std_s = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
    ///     let s = longhand_runtime::net::TcpStream::from_std(std_s).unwrap();
    ///     s.peer_addr().unwrap();
    /// });
    /// ```
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        Ok(TcpStream {
            inner: Async::new(stream)?,
        })
    }

    /// Reads some bytes; `Ok(0)` means the peer closed its write side.
    ///
    /// ```
    /// # use longhand_runtime::net::{TcpListener, TcpStream};
    /// longhand_runtime::block_on(async {
    ///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut c = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
    ///     let (mut s, _) = l.accept().await.unwrap();
    ///     c.write_all(b"abc").await.unwrap();
    ///     c.shutdown().await.unwrap();
    ///     let mut buf = Vec::new();
    ///     let mut chunk = [0; 8];
    ///     loop {
    ///         let n = s.read(&mut chunk).await.unwrap();
    ///         if n == 0 { break }
    ///         buf.extend_from_slice(&chunk[..n]);
    ///     }
    ///     assert_eq!(buf, b"abc");
    /// });
    /// ```
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len();
        poll_fn(|cx| self.inner.poll_read_stream(cx, len, |mut s| s.read(buf))).await
    }

    /// Writes some bytes, returning how many were written.
    ///
    /// ```
    /// # use longhand_runtime::net::{TcpListener, TcpStream};
    /// longhand_runtime::block_on(async {
    ///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut c = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(c.write(b"xyz").await.unwrap(), 3);
    /// });
    /// ```
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| {
            self.inner
                .poll_io(cx, Direction::Write, |mut s| s.write(buf))
        })
        .await
    }

    /// Writes all of `buf`.
    ///
    /// ```
    /// # use longhand_runtime::net::{TcpListener, TcpStream};
    /// longhand_runtime::block_on(async {
    ///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut c = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
    ///     c.write_all(&[7; 1000]).await.unwrap();
    /// });
    /// ```
    pub async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.write(buf).await? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }

    /// Reads exactly `buf.len()` bytes (`UnexpectedEof` if the peer closes first).
    ///
    /// ```
    /// # use longhand_runtime::net::{TcpListener, TcpStream};
    /// longhand_runtime::block_on(async {
    ///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut c = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
    ///     let (mut s, _) = l.accept().await.unwrap();
    ///     c.write_all(b"0123").await.unwrap();
    ///     let mut buf = [0; 4];
    ///     s.read_exact(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"0123");
    /// });
    /// ```
    pub async fn read_exact(&mut self, mut buf: &mut [u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.read(buf).await? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => buf = &mut buf[n..],
            }
        }
        Ok(())
    }

    /// Shuts down the write side: the peer reads end-of-file.
    ///
    /// ```
    /// # use longhand_runtime::net::{TcpListener, TcpStream};
    /// longhand_runtime::block_on(async {
    ///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut c = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
    ///     let (mut s, _) = l.accept().await.unwrap();
    ///     c.shutdown().await.unwrap();
    ///     assert_eq!(s.read(&mut [0; 1]).await.unwrap(), 0);
    /// });
    /// ```
    pub async fn shutdown(&mut self) -> io::Result<()> {
        self.inner.get_ref().shutdown(Shutdown::Write)
    }

    /// The local address.
    ///
    /// ```
    /// # use longhand_runtime::net::{TcpListener, TcpStream};
    /// longhand_runtime::block_on(async {
    ///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let c = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
    ///     assert!(c.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The peer's address.
    ///
    /// ```
    /// # use longhand_runtime::net::{TcpListener, TcpStream};
    /// longhand_runtime::block_on(async {
    ///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let c = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(c.peer_addr().unwrap(), l.local_addr().unwrap());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm).
    ///
    /// ```
    /// # use longhand_runtime::net::{TcpListener, TcpStream};
    /// longhand_runtime::block_on(async {
    ///     let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let c = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
    ///     c.set_nodelay(true).unwrap();
    /// });
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.get_ref().set_nodelay(nodelay)
    }
}

impl futures_io::AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.inner
            .poll_read_stream(cx, buf.len(), |mut s| s.read(buf))
    }
}

impl futures_io::AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner
            .poll_io(cx, Direction::Write, |mut s| s.write(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.inner.get_ref().shutdown(Shutdown::Write))
    }
}

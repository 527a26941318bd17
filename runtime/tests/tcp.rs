//! TCP echo server with many concurrent clients; UDP round trip.
#![cfg(not(miri))]

use longhand_runtime::net::{TcpListener, TcpStream, UdpSocket};
use longhand_runtime::{block_on, spawn};

#[test]
fn echo_server_with_fifty_concurrent_clients() {
    block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = spawn(async move {
            let mut conns = Vec::new();
            for _ in 0..50 {
                let (mut s, _) = listener.accept().await.unwrap();
                conns.push(spawn(async move {
                    let mut buf = [0u8; 1024];
                    loop {
                        let n = s.read(&mut buf).await.unwrap();
                        if n == 0 {
                            break;
                        }
                        s.write_all(&buf[..n]).await.unwrap();
                    }
                }));
            }
            for c in conns {
                c.await.unwrap();
            }
        });
        let clients: Vec<_> = (0..50u32)
            .map(|i| {
                spawn(async move {
                    let mut s = TcpStream::connect(addr).await.unwrap();
                    let msg: Vec<u8> = (0..10_000u32).map(|j| (i + j) as u8).collect();
                    for chunk in msg.chunks(1000) {
                        s.write_all(chunk).await.unwrap();
                        let mut back = vec![0; chunk.len()];
                        s.read_exact(&mut back).await.unwrap();
                        assert_eq!(back, chunk);
                    }
                    s.shutdown().await.unwrap();
                    let mut rest = [0u8; 1];
                    assert_eq!(s.read(&mut rest).await.unwrap(), 0);
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        server.await.unwrap();
    });
}

#[test]
fn futures_io_traits_work() {
    use futures::{AsyncReadExt, AsyncWriteExt};
    block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let h = spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut text = String::new();
            AsyncReadExt::read_to_string(&mut s, &mut text)
                .await
                .unwrap();
            text
        });
        let mut c = TcpStream::connect(addr).await.unwrap();
        AsyncWriteExt::write_all(&mut c, b"via futures-io")
            .await
            .unwrap();
        AsyncWriteExt::close(&mut c).await.unwrap();
        assert_eq!(h.await.unwrap(), "via futures-io");
    });
}

#[test]
fn connect_refused_is_an_error() {
    block_on(async {
        // Bind then drop to get a port that is very likely closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    });
}

#[test]
fn udp_round_trip() {
    block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b_addr = b.local_addr().unwrap();
        let recv = spawn(async move {
            let mut buf = [0; 32];
            let (n, from) = b.recv_from(&mut buf).await.unwrap();
            b.send_to(&buf[..n], from).await.unwrap();
        });
        a.send_to(b"marco", b_addr).await.unwrap();
        let mut buf = [0; 32];
        let (n, from) = a.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"marco"[..], b_addr));
        recv.await.unwrap();
    });
}

#[test]
fn sockets_created_outside_the_runtime_use_the_fallback_reactor() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let listener = TcpListener::from_std(listener).unwrap();
    let t = std::thread::spawn(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        std::io::Write::write_all(&mut s, b"hi").unwrap();
    });
    let got = futures::executor::block_on(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = [0; 2];
        s.read_exact(&mut buf).await.unwrap();
        buf
    });
    assert_eq!(&got, b"hi");
    t.join().unwrap();
}

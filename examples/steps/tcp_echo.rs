//! Step 7: a TCP echo exchange on 127.0.0.1.
//!
//! A server task accepts one connection and writes back whatever it reads; the
//! client sends three lines and reads each one back. Both run on one thread, on
//! longhand's executor, interleaved at their `.await`s.

use longhand::net::{TcpListener, TcpStream};

pub fn run() {
    println!("Step 7. A TCP echo exchange");
    println!("  A server task is spawned on 127.0.0.1 (port 0: the OS picks one); the");
    println!("  client sends three lines and prints what comes back. One thread runs");
    println!("  both: each `.await` on a socket parks a task until epoll reports it ready.");
    println!();

    longhand::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = longhand::spawn(async move {
            let (mut stream, peer) = listener.accept().await.unwrap();
            println!("  server: accepted {peer}");
            let mut buf = [0u8; 1024];
            let mut echoed = 0;
            loop {
                let n = stream.read(&mut buf).await.unwrap();
                if n == 0 {
                    break; // the client shut down its side
                }
                stream.write_all(&buf[..n]).await.unwrap();
                echoed += n;
            }
            echoed
        });

        let mut client = TcpStream::connect(addr).await.unwrap();
        println!("  client: connected to {addr}");
        for line in ["hello", "longhand", "goodbye"] {
            let sent = format!("{line}\n");
            client.write_all(sent.as_bytes()).await.unwrap();
            let mut back = vec![0u8; sent.len()];
            client.read_exact(&mut back).await.unwrap();
            println!("  echo: {}", String::from_utf8_lossy(&back).trim_end());
        }
        client.shutdown().await.unwrap();
        let echoed = server.await.unwrap();
        println!("  server: echoed {echoed} bytes, then saw end of stream");
    });
}

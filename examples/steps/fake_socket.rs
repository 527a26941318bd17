//! Step 3: a socket that becomes readable later, awaited without busy-waiting.
//!
//! longhand's runtime has no public way to register an arbitrary file descriptor,
//! so the "fake socket" is a loopback TCP pair: a std thread holds the writing end
//! and writes after 200 ms; the reading end is handed to longhand's reactor.

use std::future::{Future, poll_fn};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::pin::pin;
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

/// Awaits `future` and also reports how many times it was polled.
async fn count_polls<F: Future>(future: F) -> (F::Output, u32) {
    let mut future = pin!(future);
    let mut polls = 0;
    let output = poll_fn(|cx| {
        polls += 1;
        future.as_mut().poll(cx)
    })
    .await;
    (output, polls)
}

/// A connected loopback pair whose writing end writes `msg` after `delay`.
fn socket_readable_after(delay: Duration, msg: &'static [u8]) -> TcpStream {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut writer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (reader, _) = listener.accept().unwrap();
    thread::spawn(move || {
        thread::sleep(delay);
        writer.write_all(msg).unwrap();
    });
    reader.set_nonblocking(true).unwrap();
    reader
}

pub fn run() {
    println!("Step 3. A fake socket, awaited through the reactor");
    println!("  A thread writes to a loopback socket after 200 ms. The read returns");
    println!("  Pending once, after registering the socket with the reactor (epoll);");
    println!("  the executor sleeps in epoll_wait and polls again when data arrives.");
    println!("  For contrast, a future that wakes itself at once is polled in a loop.");
    println!();

    let reader = socket_readable_after(Duration::from_millis(200), b"hello from the fake socket");
    let start = Instant::now();
    let (text, polls) = longhand::block_on(async {
        let mut reader = longhand::net::TcpStream::from_std(reader).unwrap();
        let mut buf = [0u8; 64];
        let (n, polls) = count_polls(reader.read(&mut buf)).await;
        (
            String::from_utf8_lossy(&buf[..n.unwrap()]).into_owned(),
            polls,
        )
    });
    println!("  through the reactor: read {text:?}");
    println!("    {polls} polls in {} ms", start.elapsed().as_millis());

    // The same wait, busy: on WouldBlock, wake ourselves and return Pending at once.
    let mut reader = socket_readable_after(Duration::from_millis(20), b"busy");
    let start = Instant::now();
    let (n, polls) = longhand::block_on(count_polls(poll_fn(|cx| {
        match reader.read(&mut [0u8; 64]) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            other => Poll::Ready(other),
        }
    })));
    println!(
        "  busy-waiting instead (20 ms only): read {} bytes",
        n.unwrap()
    );
    println!("    {polls} polls in {} ms", start.elapsed().as_millis());
}

//! Lowered functions running on longhand's runtime: spawned as tasks,
//! talking over channels, sleeping on timers, serving TCP, aborted.

use longhand::net::{TcpListener, TcpStream};
use longhand::sync::mpsc;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

#[longhand::desugar]
async fn produce(tx: mpsc::Sender<u32>, from: u32, count: u32) {
    for i in from..from + count {
        if tx.send(i).await.is_err() {
            return;
        }
    }
}

#[longhand::desugar]
async fn consume(mut rx: mpsc::Receiver<u32>) -> (u32, u64) {
    let mut n = 0;
    let mut sum = 0;
    while let Some(v) = rx.recv().await {
        n += 1;
        sum += v as u64;
    }
    (n, sum)
}

#[test]
#[cfg_attr(miri, ignore = "the reactor uses epoll")]
fn lowered_tasks_over_a_channel() {
    let (n, sum) = longhand::block_on(async {
        let (tx, rx) = mpsc::channel(8);
        for p in 0..4 {
            longhand::spawn(produce(tx.clone(), p * 1000, 1000));
        }
        drop(tx);
        longhand::spawn(consume(rx)).await.unwrap()
    });
    assert_eq!(n, 4000);
    assert_eq!(sum, (0..4000u64).sum::<u64>());
}

#[longhand::desugar]
async fn sleep_then(ms: u64, order: Rc<RefCell<Vec<u64>>>) -> u64 {
    longhand::time::sleep(Duration::from_millis(ms)).await;
    order.borrow_mut().push(ms);
    ms
}

#[test]
#[cfg_attr(miri, ignore = "real timers")]
fn lowered_sleeps_fire_in_deadline_order_and_join() {
    let order = Rc::new(RefCell::new(Vec::new()));
    let start = std::time::Instant::now();
    let (a, b, c) = longhand::block_on(async {
        longhand::join!(
            sleep_then(60, order.clone()),
            sleep_then(20, order.clone()),
            sleep_then(40, order.clone()),
        )
    });
    assert_eq!((a, b, c), (60, 20, 40));
    assert_eq!(*order.borrow(), [20, 40, 60]);
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "they ran concurrently"
    );
}

#[longhand::desugar]
async fn echo_once(listener: TcpListener) -> std::io::Result<usize> {
    let (mut stream, _) = listener.accept().await?;
    let mut buf = [0u8; 64];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
        stream.write_all(&buf[..n]).await?;
    }
}

#[longhand::desugar]
async fn ask(addr: std::net::SocketAddr, lines: Vec<&'static str>) -> std::io::Result<Vec<String>> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut answers = Vec::new();
    for line in lines {
        stream.write_all(line.as_bytes()).await?;
        let mut buf = vec![0u8; line.len()];
        stream.read_exact(&mut buf).await?;
        answers.push(String::from_utf8(buf).unwrap());
    }
    stream.shutdown().await?;
    Ok(answers)
}

#[test]
#[cfg_attr(miri, ignore = "sockets")]
fn a_lowered_tcp_echo_server_and_client() {
    let (served, answers) = longhand::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = longhand::spawn(echo_once(listener));
        let answers = ask(addr, vec!["hello", "longhand", "bye"]).await.unwrap();
        (server.await.unwrap().unwrap(), answers)
    });
    assert_eq!(answers, ["hello", "longhand", "bye"]);
    assert_eq!(served, "hellolonghandbye".len());
}

struct Flag(Rc<RefCell<bool>>);
impl Drop for Flag {
    fn drop(&mut self) {
        *self.0.borrow_mut() = true;
    }
}

#[longhand::desugar]
async fn hold_forever(flag: Flag) {
    let _held = flag;
    longhand::time::sleep(Duration::from_secs(3600)).await;
}

#[test]
#[cfg_attr(miri, ignore = "real timers")]
fn aborting_a_lowered_task_drops_its_locals() {
    let dropped = Rc::new(RefCell::new(false));
    let d = dropped.clone();
    longhand::block_on(async move {
        let handle = longhand::spawn(hold_forever(Flag(d)));
        longhand::yield_now().await;
        handle.abort();
        assert!(handle.await.unwrap_err().is_cancelled());
    });
    assert!(*dropped.borrow());
}

//! longhand's runtime against its peers, in one process: tokio's current-thread
//! runtime (with a `LocalSet` for `spawn_local`) and smol's `LocalExecutor`.
//!
//! Each figure is the median of several repetitions, in nanoseconds per operation;
//! the last column is longhand's time divided by the faster peer's (below 1.00 means
//! longhand is faster). Run with `cargo bench -p longhand-runtime --bench peers`;
//! an argument selects benchmarks by name (`-- echo`), and `PEERS_ONLY=longhand`
//! (or `tokio`, `smol`) measures one runtime only, e.g. for `strace -c`.

use std::time::{Duration, Instant};

const REPS: usize = 7;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn measure(ops: u64, f: &dyn Fn() -> Duration) -> f64 {
    f(); // warm-up
    let samples: Vec<_> = (0..REPS).map(|_| f()).collect();
    median(samples).as_nanos() as f64 / ops as f64
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn tokio_local<F: std::future::Future>(rt: &tokio::runtime::Runtime, f: F) -> F::Output {
    tokio::task::LocalSet::new().block_on(rt, f)
}

fn smol_local<T>(f: impl AsyncFnOnce(&smol::LocalExecutor<'_>) -> T) -> T {
    let ex = smol::LocalExecutor::new();
    smol::block_on(ex.run(f(&ex)))
}

// ---------------------------------------------------------------- spawn-many

const SPAWN_N: u64 = 100_000;

fn spawn_longhand() -> Duration {
    longhand_runtime::block_on(async {
        let t = Instant::now();
        let hs: Vec<_> = (0..SPAWN_N)
            .map(|i| longhand_runtime::spawn(async move { i }))
            .collect();
        let mut s = 0;
        for h in hs {
            s += h.await.unwrap();
        }
        assert_eq!(s, SPAWN_N * (SPAWN_N - 1) / 2);
        t.elapsed()
    })
}

fn spawn_tokio(rt: &tokio::runtime::Runtime) -> Duration {
    tokio_local(rt, async {
        let t = Instant::now();
        let hs: Vec<_> = (0..SPAWN_N)
            .map(|i| tokio::task::spawn_local(async move { i }))
            .collect();
        let mut s = 0;
        for h in hs {
            s += h.await.unwrap();
        }
        assert_eq!(s, SPAWN_N * (SPAWN_N - 1) / 2);
        t.elapsed()
    })
}

fn spawn_smol() -> Duration {
    smol_local(async |ex| {
        let t = Instant::now();
        let hs: Vec<_> = (0..SPAWN_N).map(|i| ex.spawn(async move { i })).collect();
        let mut s = 0;
        for h in hs {
            s += h.await;
        }
        assert_eq!(s, SPAWN_N * (SPAWN_N - 1) / 2);
        t.elapsed()
    })
}

// ---------------------------------------------------------------- yield-many

const YIELD_TASKS: u64 = 200;
const YIELDS: u64 = 1_000;

fn yield_longhand() -> Duration {
    longhand_runtime::block_on(async {
        let t = Instant::now();
        let hs: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                longhand_runtime::spawn(async {
                    for _ in 0..YIELDS {
                        longhand_runtime::yield_now().await;
                    }
                })
            })
            .collect();
        for h in hs {
            h.await.unwrap();
        }
        t.elapsed()
    })
}

fn yield_tokio(rt: &tokio::runtime::Runtime) -> Duration {
    tokio_local(rt, async {
        let t = Instant::now();
        let hs: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                tokio::task::spawn_local(async {
                    for _ in 0..YIELDS {
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        for h in hs {
            h.await.unwrap();
        }
        t.elapsed()
    })
}

fn yield_smol() -> Duration {
    smol_local(async |ex| {
        let t = Instant::now();
        let hs: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                ex.spawn(async {
                    for _ in 0..YIELDS {
                        smol::future::yield_now().await;
                    }
                })
            })
            .collect();
        for h in hs {
            h.await;
        }
        t.elapsed()
    })
}

// ---------------------------------------------------------------- ping-pong

const PINGS: u64 = 100_000;

fn pingpong_longhand() -> Duration {
    use longhand_runtime::sync::mpsc::channel;
    longhand_runtime::block_on(async {
        let t = Instant::now();
        let (tx1, mut rx1) = channel::<u64>(1);
        let (tx2, mut rx2) = channel::<u64>(1);
        let pong = longhand_runtime::spawn(async move {
            while let Some(v) = rx1.recv().await {
                tx2.send(v + 1).await.unwrap();
            }
        });
        for i in 0..PINGS {
            tx1.send(i).await.unwrap();
            assert_eq!(rx2.recv().await, Some(i + 1));
        }
        drop(tx1);
        pong.await.unwrap();
        t.elapsed()
    })
}

fn pingpong_tokio(rt: &tokio::runtime::Runtime) -> Duration {
    use tokio::sync::mpsc::channel;
    tokio_local(rt, async {
        let t = Instant::now();
        let (tx1, mut rx1) = channel::<u64>(1);
        let (tx2, mut rx2) = channel::<u64>(1);
        let pong = tokio::task::spawn_local(async move {
            while let Some(v) = rx1.recv().await {
                tx2.send(v + 1).await.unwrap();
            }
        });
        for i in 0..PINGS {
            tx1.send(i).await.unwrap();
            assert_eq!(rx2.recv().await, Some(i + 1));
        }
        drop(tx1);
        pong.await.unwrap();
        t.elapsed()
    })
}

fn pingpong_smol() -> Duration {
    use smol::channel::bounded;
    smol_local(async |ex| {
        let t = Instant::now();
        let (tx1, rx1) = bounded::<u64>(1);
        let (tx2, rx2) = bounded::<u64>(1);
        let pong = ex.spawn(async move {
            while let Ok(v) = rx1.recv().await {
                tx2.send(v + 1).await.unwrap();
            }
        });
        for i in 0..PINGS {
            tx1.send(i).await.unwrap();
            assert_eq!(rx2.recv().await, Ok(i + 1));
        }
        drop(tx1);
        pong.await;
        t.elapsed()
    })
}

// ---------------------------------------------------------------- timers

const SLEEPS: u64 = 50_000;

fn sleep_ms(i: u64) -> Duration {
    Duration::from_millis(1 + i % 10)
}

fn timers_longhand() -> Duration {
    longhand_runtime::block_on(async {
        let t = Instant::now();
        let hs: Vec<_> = (0..SLEEPS)
            .map(|i| longhand_runtime::spawn(longhand_runtime::time::sleep(sleep_ms(i))))
            .collect();
        for h in hs {
            h.await.unwrap();
        }
        t.elapsed()
    })
}

fn timers_tokio(rt: &tokio::runtime::Runtime) -> Duration {
    tokio_local(rt, async {
        let t = Instant::now();
        let hs: Vec<_> = (0..SLEEPS)
            .map(|i| tokio::task::spawn_local(tokio::time::sleep(sleep_ms(i))))
            .collect();
        for h in hs {
            h.await.unwrap();
        }
        t.elapsed()
    })
}

fn timers_smol() -> Duration {
    smol_local(async |ex| {
        let t = Instant::now();
        let hs: Vec<_> = (0..SLEEPS)
            .map(|i| {
                ex.spawn(async move {
                    smol::Timer::after(sleep_ms(i)).await;
                })
            })
            .collect();
        for h in hs {
            h.await;
        }
        t.elapsed()
    })
}

// ---------------------------------------------------------------- TCP echo

const CLIENTS: usize = 4;
const MSG: usize = 16 * 1024;
const ROUNDS: usize = 1_000; // per client
const ECHO_OPS: u64 = (CLIENTS * ROUNDS) as u64;

fn echo_longhand() -> Duration {
    use longhand_runtime::net::{TcpListener, TcpStream};
    use longhand_runtime::spawn;
    longhand_runtime::block_on(async {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let server = spawn(async move {
            for _ in 0..CLIENTS {
                let (mut s, _) = l.accept().await.unwrap();
                spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = s.read(&mut buf).await.unwrap();
                        if n == 0 {
                            break;
                        }
                        s.write_all(&buf[..n]).await.unwrap();
                    }
                });
            }
        });
        let t = Instant::now();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                spawn(async move {
                    let mut s = TcpStream::connect(addr).await.unwrap();
                    s.set_nodelay(true).unwrap();
                    let msg = vec![7u8; MSG];
                    let mut back = vec![0u8; MSG];
                    for _ in 0..ROUNDS {
                        s.write_all(&msg).await.unwrap();
                        s.read_exact(&mut back).await.unwrap();
                    }
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        let el = t.elapsed();
        server.await.unwrap();
        el
    })
}

fn echo_tokio(rt: &tokio::runtime::Runtime) -> Duration {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::task::spawn_local as spawn;
    tokio_local(rt, async {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let server = spawn(async move {
            for _ in 0..CLIENTS {
                let (mut s, _) = l.accept().await.unwrap();
                spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = s.read(&mut buf).await.unwrap();
                        if n == 0 {
                            break;
                        }
                        s.write_all(&buf[..n]).await.unwrap();
                    }
                });
            }
        });
        let t = Instant::now();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                spawn(async move {
                    let mut s = TcpStream::connect(addr).await.unwrap();
                    s.set_nodelay(true).unwrap();
                    let msg = vec![7u8; MSG];
                    let mut back = vec![0u8; MSG];
                    for _ in 0..ROUNDS {
                        s.write_all(&msg).await.unwrap();
                        s.read_exact(&mut back).await.unwrap();
                    }
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        let el = t.elapsed();
        server.await.unwrap();
        el
    })
}

fn echo_smol() -> Duration {
    use smol::io::{AsyncReadExt, AsyncWriteExt};
    use smol::net::{TcpListener, TcpStream};
    // Spawned tasks must not borrow the executor, so the main future accepts.
    let ex = smol::LocalExecutor::new();
    smol::block_on(ex.run(async {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let t = Instant::now();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                ex.spawn(async move {
                    let mut s = TcpStream::connect(addr).await.unwrap();
                    s.set_nodelay(true).unwrap();
                    let msg = vec![7u8; MSG];
                    let mut back = vec![0u8; MSG];
                    for _ in 0..ROUNDS {
                        s.write_all(&msg).await.unwrap();
                        s.read_exact(&mut back).await.unwrap();
                    }
                })
            })
            .collect();
        for _ in 0..CLIENTS {
            let (mut s, _) = l.accept().await.unwrap();
            ex.spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = s.read(&mut buf).await.unwrap();
                    if n == 0 {
                        break;
                    }
                    s.write_all(&buf[..n]).await.unwrap();
                }
            })
            .detach();
        }
        for c in clients {
            c.await;
        }
        t.elapsed()
    }))
}

// ---------------------------------------------------------------- table

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let rt = tokio_rt();
    type Row<'a> = (
        &'a str,
        u64,
        Box<dyn Fn() -> Duration + 'a>,
        Box<dyn Fn() -> Duration + 'a>,
        Box<dyn Fn() -> Duration + 'a>,
    );
    let rows: Vec<Row<'_>> = vec![
        (
            "spawn-many (100k tasks)",
            SPAWN_N,
            Box::new(spawn_longhand),
            Box::new(|| spawn_tokio(&rt)),
            Box::new(spawn_smol),
        ),
        (
            "yield-many (200 x 1000)",
            YIELD_TASKS * YIELDS,
            Box::new(yield_longhand),
            Box::new(|| yield_tokio(&rt)),
            Box::new(yield_smol),
        ),
        (
            "ping-pong (100k round trips)",
            PINGS,
            Box::new(pingpong_longhand),
            Box::new(|| pingpong_tokio(&rt)),
            Box::new(pingpong_smol),
        ),
        (
            "timers (50k sleeps 1-10ms)",
            SLEEPS,
            Box::new(timers_longhand),
            Box::new(|| timers_tokio(&rt)),
            Box::new(timers_smol),
        ),
        (
            "tcp echo (4 x 1000 x 16KiB)",
            ECHO_OPS,
            Box::new(echo_longhand),
            Box::new(|| echo_tokio(&rt)),
            Box::new(echo_smol),
        ),
    ];
    println!(
        "{:<30} {:>14} {:>14} {:>14} {:>14}",
        "benchmark (median ns/op)", "longhand", "tokio", "smol", "longhand/best"
    );
    for (name, ops, lh, tk, sm) in rows {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let only = std::env::var("PEERS_ONLY").ok();
        let run = |who: &str, f: &dyn Fn() -> Duration| {
            if only.as_deref().is_none_or(|o| o == who) {
                measure(ops, f)
            } else {
                f64::NAN
            }
        };
        let l = run("longhand", &*lh);
        let t = run("tokio", &*tk);
        let s = run("smol", &*sm);
        println!(
            "{:<30} {:>14.1} {:>14.1} {:>14.1} {:>14.2}",
            name,
            l,
            t,
            s,
            l / t.min(s)
        );
    }
}

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

struct Pend(u32, u32);
impl Future for Pend {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.0 == 0 {
            Poll::Ready(self.1)
        } else {
            self.0 -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[longhand::desugar]
async fn add(a: u32, b: u32) -> u32 {
    let x = Pend(1, a).await;
    let mut total = x;
    for i in 0..b {
        total += Pend(1, i).await;
    }
    total
}

async fn read_into(buf: &mut Vec<u32>) -> usize {
    buf.push(Pend(1, 7).await);
    buf.len()
}

#[longhand::desugar]
async fn borrow_local() -> usize {
    let mut buf = Vec::new();
    let n = read_into(&mut buf).await;
    n + buf.len()
}

#[test]
fn smoke() {
    assert_eq!(futures::executor::block_on(add(1, 4)), 1 + 1 + 2 + 3);
    assert_eq!(futures::executor::block_on(borrow_local()), 2);
}

#[longhand::desugar]
async fn borrow_pinned_and_kept(k: u32) -> usize {
    let mut v = vec![k];
    let r = &mut v;
    let mut buf = Vec::new();
    let n = read_into(&mut buf).await;
    r.push(k);
    n + buf.len() + v.len()
}

/// `Inspect::state` between polls, through a shared reference to the
/// future, while its awaitee holds `&mut buf` (kept in the state) and a
/// kept `&mut v` points into a pinned local: reading the state's name must
/// not invalidate either borrow (Miri checks it).
#[test]
fn inspecting_between_polls_keeps_the_borrows_valid() {
    use longhand::Inspect;
    let mut fut = std::pin::pin!(borrow_pinned_and_kept(3));
    let mut cx = Context::from_waker(std::task::Waker::noop());
    assert_eq!(fut.state(), "Unresumed");
    let mut names = Vec::new();
    let out = loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(out) => break out,
            Poll::Pending => {
                let shared: &dyn Inspect = &*fut;
                names.push(shared.state());
            }
        }
    };
    assert_eq!(out, 1 + 1 + 2);
    assert_eq!(names, ["Suspend0"]);
    assert_eq!(fut.state(), "Returned");
}

/// The README's quick start, verbatim.
mod readme_quick_start {
    use std::time::Duration;

    #[longhand::desugar]
    async fn countdown(from: u32) -> Vec<u32> {
        let mut seen = Vec::new();
        for n in (1..=from).rev() {
            longhand::time::sleep(Duration::from_millis(10)).await;
            seen.push(n);
        }
        seen
    }

    #[longhand::main]
    async fn main() {
        assert_eq!(countdown(3).await, vec![3, 2, 1]);
    }

    #[test]
    #[cfg_attr(miri, ignore = "real timers")]
    fn runs() {
        main();
    }
}

use futures::StreamExt;
use longhand::Stream;

#[longhand::generator]
fn ticks(n: u32) -> impl Stream<Item = u32> {
    for i in 0..n {
        longhand::yield_now().await;
        yield_!(i * 10);
    }
}

#[longhand::generator]
fn running_totals(values: Vec<u32>) -> impl Stream<Item = u32> {
    let mut total = 0;
    for v in values.iter() {
        total += futures::future::ready(*v).await;
        yield_!(total);
    }
}

#[test]
fn a_stream_awaits_and_yields() {
    let out: Vec<u32> = longhand::block_on(ticks(4).collect());
    assert_eq!(out, [0, 10, 20, 30]);
    let totals: Vec<u32> = futures::executor::block_on(running_totals(vec![1, 2, 3]).collect());
    assert_eq!(totals, [1, 3, 6]);
}

#[test]
fn a_stream_is_fused_after_the_end() {
    longhand::block_on(async {
        let mut s = std::pin::pin!(ticks(1));
        assert_eq!(s.next().await, Some(0));
        assert_eq!(s.next().await, None);
        assert_eq!(s.next().await, None);
    });
}

#[longhand::generator]
fn fails_after(n: u32) -> impl Stream<Item = u32> {
    for i in 0..n {
        yield_!(i);
    }
    longhand::yield_now().await;
    panic!("stream failed");
}

#[test]
fn a_panic_poisons_a_stream_with_rustcs_message() {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    let mut s = Box::pin(fails_after(1));
    let first = futures::executor::block_on(s.next());
    assert_eq!(first, Some(0));
    let err = catch_unwind(AssertUnwindSafe(|| futures::executor::block_on(s.next())));
    let err = err.unwrap_err();
    assert_eq!(err.downcast_ref::<&str>().copied(), Some("stream failed"));
    let again = catch_unwind(AssertUnwindSafe(|| futures::executor::block_on(s.next())));
    let again = again.unwrap_err();
    // What rustc's `async gen` blocks say.
    assert_eq!(
        again.downcast_ref::<&str>().copied(),
        Some("`async gen fn` resumed after panicking")
    );
}

/// Is `word` allowed? Suspends once first, as a lookup would.
async fn allowed(word: &str) -> bool {
    longhand::yield_now().await;
    !word.starts_with('x')
}

#[longhand::generator]
fn admitted(words: Vec<Option<String>>) -> impl Stream<Item = String> {
    for w in words {
        match w {
            Some(s) if s.is_empty() => yield_!("(empty)".to_string()),
            Some(s) if allowed(&s).await => {
                yield_!(s.clone());
                yield_!(format!("{s} again"));
            }
            Some(s) if s.len() > 3 => yield_!(format!("long {s}")),
            Some(_) => {}
            None => break,
        }
    }
}

#[test]
fn a_stream_awaits_in_a_match_guard() {
    let words = ["ab", "", "xylophone", "xy", "cd"].map(|w| Some(w.to_string()));
    let mut input: Vec<Option<String>> = words.into();
    input.insert(4, None);
    let out: Vec<String> = longhand::block_on(admitted(input).collect());
    assert_eq!(out, ["ab", "ab again", "(empty)", "long xylophone"]);
}

//! `?` on `Result` (with `From` conversions) and on `Option`, across awaits.

use crate::harness::*;

#[derive(Debug)]
pub struct LowError(pub u32);

#[derive(Debug)]
#[allow(dead_code)] // read through `Debug`
pub struct HighError(pub String);

impl From<LowError> for HighError {
    fn from(e: LowError) -> Self {
        log(format!("convert {}", e.0));
        HighError(format!("low {}", e.0))
    }
}

differential! {
    /// `?` on an awaited `Result` with a `From` conversion of the error.
    name: try_result_with_from,
    items: {
        #[lh] async fn fetch(n: u32) -> Result<u32, LowError> {
            let v = pend(1, n).await;
            if v % 2 == 0 { Ok(v) } else { Err(LowError(v)) }
        }
        #[lh] async fn f(a: u32, b: u32) -> Result<u32, HighError> {
            let _d = D::new("held");
            let x = fetch(a).await?;
            log(format!("x = {x}"));
            let y = fetch(b).await?;
            Ok(x + y)
        }
    },
    run: async { (f(2, 4).await, f(2, 3).await, f(1, 2).await) },
}

differential! {
    /// `?` on an awaited `Option`.
    name: try_option,
    items: {
        #[lh] async fn f(a: Option<u32>, b: Option<u32>) -> Option<u32> {
            let _d = D::new("held");
            let x = pend(1, a).await?;
            let _e = D::new("after x");
            let y = pend(2, b).await?;
            Some(x * y)
        }
    },
    run: async { (f(Some(2), Some(3)).await, f(None, Some(1)).await, f(Some(1), None).await) },
}

differential! {
    /// `?` inside an expression: `Ok(a().await? + b().await?)`, with the
    /// left operand's value and a temporary live when the right side fails.
    name: try_inside_expression,
    items: {
        #[lh] async fn get(name: &'static str, ok: bool) -> Result<u32, LowError> {
            log(format!("get {name}"));
            pend(1, if ok { Ok(name.len() as u32) } else { Err(LowError(0)) }).await
        }
        #[lh] async fn f(ok_b: bool) -> Result<u32, HighError> {
            Ok(get("a", true).await? + D::new("tmp").touch() as u32 + get("bb", ok_b).await?)
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// `?` inside a loop: the early return drops the loop's live values.
    name: try_in_loop,
    items: {
        #[lh] async fn f(items: Vec<Result<u32, LowError>>) -> Result<u32, HighError> {
            let _d = D::new("outer");
            let mut sum = 0;
            for item in items {
                let _it = D::new("iter");
                sum += pend(1, item).await?;
            }
            Ok(sum)
        }
    },
    run: f(vec![Ok(1), Ok(2), Err(LowError(9)), Ok(4)]),
}

differential! {
    /// `?` applied to a non-awaited `Result` between awaits, and `map_err`.
    name: try_plain_between_awaits,
    items: {
        fn parse(s: &str) -> Result<u32, LowError> {
            s.parse().map_err(|_| LowError(s.len() as u32))
        }
        #[lh] async fn f(s: &'static str) -> Result<u32, HighError> {
            let a = pend(1, 1).await;
            let b = parse(s)?;
            let c = pend(1, parse("7")).await.map_err(|e| HighError(format!("{e:?}")))?;
            Ok(a + b + c)
        }
    },
    run: async { (f("5").await, f("x").await) },
}

// An async method taking `self` by value, awaited on a local: longhand
// cannot see that `send` consumes `req`, keeps `req` for the awaitee to
// borrow, and rustc reports the move at the user's `req`. The same on the
// result of an `.await?`, reported at its `?`. Writing the receiver in
// braces, `{ req }.send().await`, says it is moved (and means the same in
// plain Rust).

struct Request(String);

impl Request {
    async fn send(self) -> Result<Request, ()> {
        Ok(self)
    }
}

async fn build(url: &str) -> Request {
    Request(url.to_string())
}

#[longhand::desugar]
async fn fetch(url: &str) -> Result<Request, ()> {
    let req = build(url).await;
    req.send().await
}

#[longhand::desugar]
async fn fetch_twice(url: &str) -> Result<Request, ()> {
    build(url).await.send().await?.send().await
}

fn main() {
    let _ = fetch("x");
    let _ = fetch_twice("x");
}

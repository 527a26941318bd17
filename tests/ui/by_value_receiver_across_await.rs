// An async method taking `self` by value, awaited on a local: longhand
// cannot see that `text` consumes `resp`, keeps `resp` for the awaitee to
// borrow, and rustc reports the move at the user's `resp`. Writing the
// receiver in braces, `{ resp }.text().await`, says it is moved (and means
// the same in plain Rust).

struct Response(String);

impl Response {
    async fn text(self) -> String {
        self.0
    }
}

async fn get(url: &str) -> Response {
    Response(url.to_string())
}

#[longhand::desugar]
async fn fetch(url: &str) -> String {
    let resp = get(url).await;
    resp.text().await
}

fn main() {
    let _ = fetch("x");
}

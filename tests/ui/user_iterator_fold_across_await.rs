// A user type that implements `Iterator`, folded by `count()` on a local
// before an `.await`: on a local of a type that is not the standard
// library's, longhand takes `count`, `sum`, `product`, `max` and `min`
// without arguments to borrow it (a stats type's `fn count(&self)`), keeps
// the local for the rest of its scope, and rustc reports the move at the
// user's receiver. Writing it in braces, `{ c }.count()`, says it is moved
// (and means the same in plain Rust).

struct Countdown(u32);

impl Iterator for Countdown {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        self.0 = self.0.checked_sub(1)?;
        Some(self.0)
    }
}

async fn tick() {}

#[longhand::desugar]
async fn remaining() -> usize {
    let c = Countdown(3);
    let n = c.count();
    tick().await;
    n
}

fn main() {
    let _ = remaining();
}

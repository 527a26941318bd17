// The attribute goes on functions, not on other items.
#[longhand::desugar]
struct Config {
    retries: u32,
}

fn main() {}

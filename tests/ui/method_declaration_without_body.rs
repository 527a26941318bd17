// In a trait, the attribute goes on a method with a body: the error says
// to put it on the method in each `impl` (or on a default body).
pub trait Store {
    #[longhand::desugar]
    async fn get(&self, key: u32) -> Option<String>;
}

fn main() {}

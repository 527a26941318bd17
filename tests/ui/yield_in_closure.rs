// A closure cannot suspend the generator around it.
#[longhand::generator]
fn numbers(v: Vec<u32>) -> impl Iterator<Item = u32> {
    v.iter().for_each(|x| longhand::yield_!(*x));
}

fn main() {}

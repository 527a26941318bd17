#[longhand::generator]
fn up_down(list: Vec<i32>) -> impl Iterator<Item = i32> {
    let mut sum = 0;
    for x in list.iter() {
        sum += x;
        yield_!(sum);
    }
    for x in list.iter().rev() {
        sum -= x;
        yield_!(sum);
    }
}

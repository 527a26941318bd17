#[longhand::desugar]
async fn fetch_total(db: &Db, ids: Vec<u32>) -> Result<u64, Error> {
    let mut total = 0;
    for id in ids {
        total += db.get(id).await?.amount;
    }
    Ok(total)
}

#[longhand::desugar]
async fn first_match(rows: Vec<Vec<u32>>, wanted: u32) -> Option<(usize, usize)> {
    'rows: for (i, row) in rows.into_iter().enumerate() {
        for (j, cell) in row.into_iter().enumerate() {
            if cell == 0 {
                continue 'rows;
            }
            if lookup(cell).await == wanted {
                return Some((i, j));
            }
        }
    }
    None
}

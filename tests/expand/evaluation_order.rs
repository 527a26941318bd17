#[longhand::desugar]
async fn report(name: String, client: &Client) -> String {
    format!("{}: {}", name.trim(), client.fetch(&name).await)
}

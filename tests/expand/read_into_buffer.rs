impl Connection {
    #[longhand::desugar]
    async fn read_message(&mut self) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0u8; 1024];
        let n = self.stream.read(&mut buf).await?;
        buf.truncate(n);
        self.received += 1;
        Ok(buf)
    }
}

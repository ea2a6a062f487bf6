//! Buffers for secrets that never leave an unwiped copy behind when they grow.

use std::io::{self, Write};

use zeroize::{Zeroize, Zeroizing};

/// A growable byte buffer that wipes every allocation it leaves behind, so serializing secrets
/// (a vault's records, an export) leaves no plaintext copy in freed memory. A plain `Vec`
/// reallocates and frees its old buffer as it is.
pub(crate) struct WipingBuf(Zeroizing<Vec<u8>>);

impl WipingBuf {
    pub(crate) fn with_capacity(n: usize) -> Self {
        WipingBuf(Zeroizing::new(Vec::with_capacity(n)))
    }

    pub(crate) fn into_inner(self) -> Zeroizing<Vec<u8>> {
        self.0
    }
}

impl Write for WipingBuf {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let v = &mut self.0;
        if v.len() + data.len() > v.capacity() {
            let mut bigger = Vec::with_capacity((v.len() + data.len()).max(v.capacity() * 2));
            bigger.extend_from_slice(v);
            v.zeroize();
            **v = bigger;
        }
        v.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_correctly() {
        let mut w = WipingBuf::with_capacity(1);
        for i in 0..1000u32 {
            w.write_all(&i.to_le_bytes()).unwrap();
        }
        let bytes = w.into_inner();
        assert_eq!(bytes.len(), 4000);
        assert_eq!(&bytes[4..8], &1u32.to_le_bytes());
    }
}

//! Large images made cheaply for the bad-input tests of the core and (through `#[path]`) the
//! CLI.
#![allow(dead_code)]

/// A PNG of `width` × `height` one-bit pixels, all white: streamed row by row, so the test
/// never holds the pixels (10 000 × 10 000 compresses to about 30 KB).
pub fn blank_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let row = vec![0xffu8; width.div_ceil(8) as usize];
    for _ in 0..height {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
    drop(writer);
    out
}

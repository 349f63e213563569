/// Plain-text tables for the CLI: every column but the last padded to its widest cell plus `gap` spaces
/// (the last column is left unpadded, so long messages do not drag trailing blanks).
enum TextTable {
    static func lines(_ rows: [[String]], gap: Int) -> [String] {
        guard let columns = rows.map(\.count).max(), columns > 0 else { return [] }
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + gap)
            }.joined()
        }
    }
}

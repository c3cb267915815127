/// Which CSV column holds the labels.
public enum CSVLabelColumn: Sendable, Equatable {
    /// The column with this header name (the file needs a header row).
    case name(String)
    /// The column at this 0-based position.
    case index(Int)
}

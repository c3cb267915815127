extension SafeTensorsFile {
    /// Parses and validates the bytes of a safetensors file.
    ///
    /// Checks everything the reference implementation checks: the header length against the
    /// data and ``maximumHeaderSize``; the header is one UTF-8 JSON object (surrounding
    /// whitespace allowed); metadata is an object of strings (or `null`); each tensor has a known dtype, a shape of non-negative integers and
    /// two non-negative integer `data_offsets` spanning exactly `Π shape × dtype size` bytes;
    /// the regions are contiguous, do not overlap and cover the buffer exactly. Duplicate keys,
    /// which the reference silently resolves to the last one, are rejected as ambiguous. Unknown keys inside a tensor entry are ignored, as the reference does.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - source: the file path or a name for the bytes, used in error messages.
    /// - Throws: ``ModelFileError`` with code `truncated`, `headerTooLarge`, `malformedHeader`
    ///   or `badTensor`; never traps on malformed input.
    /// - Complexity: O(bytes.count + t log t) for t tensors.
    public init(decoding bytes: [UInt8], source: String) throws(ModelFileError) {
        func fail(_ code: ModelFileError.Code, _ message: String) -> ModelFileError {
            ModelFileError(code, path: source, message)
        }
        guard bytes.count >= 8 else {
            throw fail(.truncated, "found \(bytes.count) bytes, a safetensors file starts with an 8-byte header length")
        }
        let announced = bytes[0 ..< 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard announced <= UInt64(Self.maximumHeaderSize) else {
            throw fail(.headerTooLarge, "header length \(announced) exceeds the limit of \(Self.maximumHeaderSize) bytes")
        }
        let headerLength = Int(announced)
        guard headerLength <= bytes.count - 8 else {
            throw fail(.truncated, "header length is \(headerLength) bytes but only \(bytes.count - 8) bytes follow")
        }
        let headerBytes = Array(bytes[8 ..< 8 + headerLength])
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw fail(.malformedHeader, "header is not valid UTF-8")
        }
        guard !headerBytes.isEmpty else {
            throw fail(.malformedHeader, "header is empty, expected a JSON object")
        }
        let json: JSONValue
        do throws(JSONParser.SyntaxError) {
            json = try JSONParser.parse(headerBytes)
        } catch {
            throw fail(.malformedHeader, "header is not valid JSON: \(error.message) at header byte \(error.offset)")
        }
        guard case .object(let members) = json else {
            throw fail(.malformedHeader, "header is \(json.typeName), expected a JSON object")
        }

        var metadata: [String: String] = [:]
        var entries: [(name: String, info: TensorEntry)] = []
        for (key, value) in members {
            if key == Self.metadataKey {
                metadata = try Self.decodeMetadata(value, source: source)
            } else {
                do throws(TensorEntry.Problem) {
                    entries.append((key, try TensorEntry(value)))
                } catch {
                    throw fail(.badTensor, "tensor \(JSONText.quoted(key)): \(error.message)")
                }
            }
        }

        let bufferStart = 8 + headerLength
        let bufferLength = bytes.count - bufferStart
        entries.sort { ($0.info.begin, $0.info.end) < ($1.info.begin, $1.info.end) }
        var tensors: [String: Tensor] = [:]
        var expectedBegin = 0
        for (name, info) in entries {
            let label = "tensor \(JSONText.quoted(name))"
            guard info.begin == expectedBegin else {
                throw fail(.badTensor, info.begin < expectedBegin
                    ? "\(label) data_offsets [\(info.begin), \(info.end)] overlap the previous tensor, which ends at \(expectedBegin)"
                    : "\(label) data_offsets [\(info.begin), \(info.end)] leave a gap: the previous tensor ends at \(expectedBegin)")
            }
            guard info.end >= info.begin else {
                throw fail(.badTensor, "\(label) data_offsets [\(info.begin), \(info.end)] end before they begin")
            }
            guard let needed = Tensor.byteCount(dtype: info.dtype, shape: info.shape) else {
                throw fail(.badTensor, "\(label) shape \(info.shape) has too many elements")
            }
            guard info.end - info.begin == needed else {
                throw fail(.badTensor, "\(label) is \(info.dtype.rawValue) \(info.shape), which needs \(needed) bytes, "
                    + "but its data_offsets [\(info.begin), \(info.end)] span \(info.end - info.begin)")
            }
            guard info.end <= bufferLength else {
                throw fail(.truncated, "\(label) data ends at buffer byte \(info.end) but the buffer has only \(bufferLength) bytes")
            }
            tensors[name] = Tensor(unchecked: info.dtype, shape: info.shape,
                                   bytes: Array(bytes[bufferStart + info.begin ..< bufferStart + info.end]))
            expectedBegin = info.end
        }
        guard expectedBegin == bufferLength else {
            throw fail(.badTensor, "the tensors' data covers \(expectedBegin) bytes but the buffer has \(bufferLength); "
                + "the data must cover the buffer exactly")
        }
        self.init(validatedTensors: tensors, metadata: metadata)
    }

    /// The `__metadata__` entry: an object of strings, or `null` (no metadata, as the reference
    /// implementation accepts).
    private static func decodeMetadata(_ value: JSONValue, source: String) throws(ModelFileError) -> [String: String] {
        if value == .null { return [:] }
        guard case .object(let pairs) = value else {
            throw ModelFileError(.malformedHeader, path: source, "\(metadataKey) is \(value.typeName), expected an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, entry) in pairs {
            guard case .string(let text) = entry else {
                throw ModelFileError(.malformedHeader, path: source,
                                     "\(metadataKey) value of \(JSONText.quoted(key)) is \(entry.typeName), expected a string")
            }
            metadata[key] = text
        }
        return metadata
    }
}

/// One tensor's header entry, type-checked.
private struct TensorEntry {
    struct Problem: Error { let message: String }

    let dtype: SafeTensorsFile.DType
    let shape: [Int]
    let begin: Int
    let end: Int

    init(_ value: JSONValue) throws(Problem) {
        guard case .object(let fields) = value else {
            throw Problem(message: "entry is \(value.typeName), expected an object with dtype, shape and data_offsets")
        }
        func field(_ name: String) throws(Problem) -> JSONValue {
            guard let found = fields.first(where: { $0.key == name }) else { throw Problem(message: "missing \(name)") }
            return found.value
        }
        guard case .string(let dtypeName) = try field("dtype") else {
            throw Problem(message: "dtype is \(try field("dtype").typeName), expected a string")
        }
        guard let dtype = SafeTensorsFile.DType(rawValue: dtypeName) else {
            throw Problem(message: "unknown dtype \(JSONText.quoted(dtypeName)); known: "
                + SafeTensorsFile.DType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let shape = try Self.integers(try field("shape"), name: "shape")
        let offsets = try Self.integers(try field("data_offsets"), name: "data_offsets")
        guard offsets.count == 2 else {
            throw Problem(message: "data_offsets has \(offsets.count) numbers, expected 2 [begin, end]")
        }
        self.dtype = dtype
        self.shape = shape
        begin = offsets[0]
        end = offsets[1]
    }

    private static func integers(_ value: JSONValue, name: String) throws(Problem) -> [Int] {
        guard case .array(let elements) = value else {
            throw Problem(message: "\(name) is \(value.typeName), expected an array of non-negative integers")
        }
        var result: [Int] = []
        for element in elements {
            guard let integer = element.nonNegativeInteger else {
                throw Problem(message: "\(name) holds \(element.typeName), expected non-negative integers")
            }
            result.append(integer)
        }
        return result
    }
}

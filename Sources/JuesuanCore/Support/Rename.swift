import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Moving a finished temporary file or folder into place.
///
/// `FileManager.moveItem` on Linux traps ("_caseFoldMapping is not implemented yet") when the
/// destination exists and the names are not ASCII — Chinese unit names always are — so juesuan renames
/// with rename(2): atomic, replacing a file, refusing a non-empty folder with an error.
public enum Rename {
    /// Moves `source` to `destination` (same file system).
    public static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}

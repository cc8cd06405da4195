// swift-tools-version:6.1
// A client of the juesuan library: builds the example's disclosure package in memory and audits the
// PDF it printed. Built in CI (script/test) so that the library's API stays usable from outside.
import PackageDescription

let package = Package(
    name: "juesuan-client",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "juesuan", path: "../..")],
    targets: [
        .executableTarget(name: "juesuan-client", dependencies: [.product(name: "Juesuan", package: "juesuan")]),
    ]
)

// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "juesuan",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "juesuan", targets: ["juesuan"]),
        // The engine as a library: read, check, score, audit, build, consolidate, derive.
        .library(name: "Juesuan", targets: ["Juesuan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // The server (`juesuan serve`): HTTP, sessions and bcrypt, one SQL layer over SQLite and PostgreSQL.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        // The server's own channel handler (slow clients) sees HTTP parts as Hummingbird does.
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        // The pages' templates (HTML-escaped by default).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        // The pages' multipart forms (uploads).
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
        // /metrics in Prometheus form.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        // Tests only: a real HTTP client for the tests that run `juesuan serve` as a process.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Optional tracing (off unless `serve --trace-endpoint`): spans through swift-distributed-tracing, sent
        // as OTLP over HTTP by swift-otel (its gRPC exporter is not built).
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.1.0"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // Domain core: money, codes, catalogue, the Disclosure model. Foundation only.
        .target(name: "JuesuanCore", resources: [.copy("Layouts")]),
        // Rule catalogue (data), expression evaluator, findings.
        .target(
            name: "JuesuanRules",
            dependencies: ["JuesuanCore", "JuesuanPerformance", "Yams"],
            resources: [.copy("Catalogue")]
        ),
        // Scoring of performance self-evaluation forms; schemes are data (Schemes/*.yaml).
        .target(name: "JuesuanPerformance", dependencies: ["JuesuanCore", "Yams"], resources: [.copy("Schemes")]),
        // Readers: dataset folders, code catalogues.
        .target(
            name: "JuesuanImport",
            dependencies: [
                "JuesuanCore",
                "Yams",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Catalog")]
        ),
        // Part 3 情况说明 written from the tables (sentence templates are data).
        .target(
            name: "JuesuanNarrative",
            dependencies: ["JuesuanCore", "JuesuanPerformance", "Yams"],
            resources: [.copy("Templates")]
        ),
        // Auditing a published report: the table rules on what was read back, and the prose's figures,
        // shares and changes checked against the tables.
        .target(name: "JuesuanAudit", dependencies: ["JuesuanCore", "JuesuanRules", "JuesuanImport", "JuesuanPerformance",
                                                    .product(name: "Logging", package: "swift-log")],
                resources: [.copy("Catalog")]),
        // Debian's libxlsxwriter (apt-get install libxlsxwriter-dev).
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        // The Excel workbook: written with libxlsxwriter, read back with ZIPFoundation and XMLParser.
        .target(name: "JuesuanXLSX", dependencies: ["JuesuanCore", "CXlsxWriter", "ZIPFoundation"]),
        // Ledger postings (记账明细) → the nine tables; synthetic units for tests and benchmarks.
        .target(name: "JuesuanLedger", dependencies: ["JuesuanCore", "JuesuanImport"]),
        // 汇总: many units' disclosures summed into one.
        .target(name: "JuesuanConsolidate", dependencies: ["JuesuanCore", "JuesuanPerformance", "JuesuanRules", "JuesuanImport"]),
        // Writers: HTML, PDF, open data.
        .target(name: "JuesuanRender", dependencies: ["JuesuanCore", "JuesuanRules", "JuesuanPerformance", "JuesuanNarrative"]),
        // The pipelines a front end calls: build a disclosure package in memory, write it into a folder.
        .target(
            name: "Juesuan",
            dependencies: ["JuesuanCore", "JuesuanRules", "JuesuanImport", "JuesuanRender", "JuesuanPerformance", "JuesuanNarrative",
                           "JuesuanAudit", "JuesuanXLSX", "JuesuanConsolidate", "JuesuanLedger"]
        ),
        // The shared 决算 cycle: organisation, users, reports, versions, states, audit log, jobs — one SQL
        // layer (SQLKit) over SQLite (embedded) and PostgreSQL. No HTTP here.
        .target(
            name: "JuesuanStore",
            dependencies: [
                "Juesuan", "JuesuanLedger", "JuesuanConsolidate", "JuesuanXLSX", "JuesuanRender", "ZIPFoundation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // `juesuan serve`: the HTTP API (/api/v1, OpenAPI document), sessions, CSRF, public pages.
        .target(
            name: "JuesuanServer",
            dependencies: [
                "Juesuan", "JuesuanStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
            ],
            resources: [.copy("Resources")]
        ),
        // The pages of every role (server-rendered HTML, plain forms; a little script), on the server's router.
        .target(
            name: "JuesuanWeb",
            dependencies: [
                "Juesuan", "JuesuanStore", "JuesuanServer", "JuesuanRender", "JuesuanXLSX",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.copy("Resources"), .copy("Templates")]
        ),
        // The command-line tool.
        .executableTarget(
            name: "juesuan",
            dependencies: [
                "Juesuan", "JuesuanCore", .product(name: "Logging", package: "swift-log"), "JuesuanRules", "JuesuanImport", "JuesuanRender", "JuesuanPerformance", "JuesuanNarrative",
                "JuesuanXLSX", "JuesuanConsolidate", "JuesuanLedger", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "JuesuanServer", "JuesuanStore", "JuesuanWeb",
            ],
            // Not Sources/juesuan: that would differ from Sources/Juesuan only by case (one folder on macOS).
            path: "Sources/juesuan-cli"
        ),
        // Benchmarks live apart from tests: `swift run -c release juesuan-bench`.
        .executableTarget(
            name: "juesuan-bench",
            dependencies: ["JuesuanCore", "JuesuanRules", "JuesuanImport", "JuesuanRender", "JuesuanPerformance", "JuesuanNarrative", "JuesuanAudit", "JuesuanXLSX", "JuesuanLedger"],
            path: "benchmarks/juesuan-bench"
        ),
        // Fuzzer of the published-report reader (not a test): `swift run -c release juesuan-fuzz 1000000`.
        .executableTarget(
            name: "juesuan-fuzz",
            dependencies: ["JuesuanCore", "JuesuanRules", "JuesuanImport", "JuesuanAudit", "JuesuanTestSupport"],
            path: "Fuzz/juesuan-fuzz"
        ),
        // Helpers shared by the test targets: seeded generator, example dataset copies.
        .target(name: "JuesuanTestSupport", dependencies: ["JuesuanCore", "Juesuan", "JuesuanStore", "JuesuanXLSX", "ZIPFoundation",
                                                    .product(name: "Logging", package: "swift-log"),
                                                    .product(name: "SQLKit", package: "sql-kit")]),
        .testTarget(name: "JuesuanCoreTests", dependencies: ["JuesuanCore", "JuesuanTestSupport"]),
        .testTarget(name: "JuesuanRulesTests", dependencies: ["JuesuanCore", "JuesuanRules", "JuesuanImport", "JuesuanTestSupport"]),
        .testTarget(name: "JuesuanNarrativeTests", dependencies: ["JuesuanCore", "JuesuanRules", "JuesuanImport", "JuesuanNarrative", "JuesuanAudit", "JuesuanPerformance", "JuesuanTestSupport",
                                                            "JuesuanLedger", "JuesuanRender", "JuesuanXLSX"]),
        .testTarget(name: "JuesuanXLSXTests", dependencies: ["JuesuanCore", "JuesuanXLSX", "JuesuanImport", "JuesuanTestSupport", "ZIPFoundation"]),
        .testTarget(name: "JuesuanPerformanceTests", dependencies: ["JuesuanCore", "JuesuanPerformance", "JuesuanImport", "JuesuanTestSupport"]),
        .testTarget(name: "JuesuanConsolidateTests", dependencies: ["JuesuanCore", "JuesuanConsolidate", "JuesuanPerformance", "JuesuanRules", "JuesuanImport", "JuesuanLedger", "JuesuanAudit", "JuesuanTestSupport"]),
        .testTarget(name: "JuesuanLedgerTests", dependencies: ["JuesuanCore", "JuesuanLedger", "JuesuanImport", "JuesuanRules", "JuesuanConsolidate", "JuesuanTestSupport"]),
        .testTarget(name: "JuesuanImportTests", dependencies: ["JuesuanCore", "JuesuanImport", "JuesuanTestSupport"]),
        // The store alone: its features, transactions, migrations, records, summaries, clock (no HTTP).
        .testTarget(
            name: "JuesuanStoreTests",
            dependencies: ["Juesuan", "JuesuanCore", "JuesuanStore", "JuesuanTestSupport", "JuesuanLedger", "JuesuanRules",
                           .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "JuesuanServerTests",
            dependencies: ["Juesuan", "JuesuanStore", "JuesuanServer", "JuesuanWeb", "JuesuanTestSupport", "JuesuanXLSX", "JuesuanLedger", "JuesuanConsolidate", "ZIPFoundation",
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        // The pages through the router (HummingbirdTesting): templates, escaping, forms as the store allows.
        .testTarget(
            name: "JuesuanWebTests",
            dependencies: ["Juesuan", "JuesuanStore", "JuesuanServer", "JuesuanWeb", "JuesuanTestSupport", "JuesuanXLSX", "JuesuanLedger", "JuesuanAudit",
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        .testTarget(
            name: "JuesuanCLITests",
            dependencies: ["JuesuanCore", "JuesuanRules", "JuesuanImport", "JuesuanRender", "JuesuanPerformance", "JuesuanTestSupport", "JuesuanXLSX"],
            resources: [.copy("Fixtures")]
        ),
    ]
)

import SQLKit
import SQLiteKit
import PostgresKit
import HummingbirdBcrypt

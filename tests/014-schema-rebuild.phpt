--TEST--
ebla_chat_schema() restores what EspoCRM's rebuild changed (dropped indexes, counters as INT NULL); without the unique index direct dialogs fail loudly, never twice
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/schema.inc';
require __DIR__ . '/consistency.inc';

/** What a rebuild from entityDefs that declare neither the indexes nor the counters' types nor
 * the key's length does. */
function rebuild(PDO $pdo, string $backend, bool $onlyDirectKey = false): void
{
    $counters = ['dialog' => ['last_message_number', 'message_count'],
        'dialog_user' => ['read_count', 'last_read_number', 'notified_number', 'mention_count']];
    if ($backend === 'mysql') {
        $pdo->exec('ALTER TABLE dialog DROP INDEX UNIQ_DIRECT_KEY');
        if ($onlyDirectKey) {
            return;
        }
        $pdo->exec('ALTER TABLE dialog_user DROP INDEX UNIQ_USER_ID_DIALOG_ID, DROP INDEX IDX_DIALOG_ID, DROP INDEX IDX_USER_UNREAD');
        foreach ($counters as $table => $columns) {
            $pdo->exec("ALTER TABLE $table " . implode(', ', array_map(fn($c) => "MODIFY $c INT NULL", $columns)));
        }
        $pdo->exec('ALTER TABLE dialog_user MODIFY is_muted TINYINT(1) NULL DEFAULT NULL');
        $pdo->exec('ALTER TABLE dialog MODIFY direct_key VARCHAR(100) NULL DEFAULT NULL');
        return;
    }
    $pdo->exec('DROP INDEX uniq_dialog_direct_key');
    if ($onlyDirectKey) {
        return;
    }
    foreach (['uniq_dialog_user_user_id_dialog_id', 'idx_dialog_user_dialog_id', 'idx_dialog_user_user_unread'] as $index) {
        $pdo->exec("DROP INDEX $index");
    }
    if ($backend === 'pgsql') {
        foreach ($counters as $table => $columns) {
            $pdo->exec("ALTER TABLE $table " . implode(', ', array_map(fn($c) => "ALTER $c TYPE INT, ALTER $c DROP NOT NULL, ALTER $c DROP DEFAULT", $columns)));
        }
        $pdo->exec('ALTER TABLE dialog_user ALTER is_muted DROP NOT NULL, ALTER is_muted DROP DEFAULT');
        $pdo->exec('ALTER TABLE dialog ALTER direct_key TYPE VARCHAR(100)');
    }
    // SQLite: EspoCRM never runs on it, and SQLite cannot change a column; only the indexes go.
}

function pair_dialogs(PDO $pdo, string $a, string $b): string
{
    return ec_scalar($pdo, "SELECT COUNT(*) FROM dialog WHERE `type` = 'Direct' AND deleted = FALSE AND id IN "
        . '(SELECT dialog_id FROM dialog_user WHERE user_id = ?) AND id IN (SELECT dialog_id FROM dialog_user WHERE user_id = ?)', [$a, $b]);
}

/** Three processes open the direct dialog of $a and $b at once; their answers, sorted. */
function race_open(string $backend, string $dsn, string $a, string $b): array
{
    [$user, $pass] = ec_credentials($backend);
    $out = ec_race(3, <<<'PHP'
        $a = json_decode($argv[1], true);
        $pdo = new PDO($a['dsn'], $a['user'], $a['pass'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        if ($a['backend'] === 'sqlite') { $pdo->exec('PRAGMA busy_timeout = 10000'); }
        ec_start($a);
        try {
            $id = ebla_chat_dialog_open($pdo, $a['a'], [$a['b']])['id'];
            echo "opened $id";
        } catch (Throwable $e) {
            echo get_class($e), ' ', $e->getMessage();
        }
        PHP, ['dsn' => $dsn, 'user' => $user, 'pass' => $pass, 'backend' => $backend, 'a' => $a, 'b' => $b]);
    sort($out);
    return $out;
}

foreach (ec_backends() as $backend) {
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    [$ann, $ben, $cat, $dan] = [ec_user($pdo, 'ann'), ec_user($pdo, 'ben'), ec_user($pdo, 'cat'), ec_user($pdo, 'dan')];
    $g = ebla_chat_dialog_open($pdo, $ann, [$ben, $cat], ['type' => 'group'])['id'];
    ebla_chat_post($pdo, $ann, $g, 'hi @ben');
    ebla_chat_post($pdo, $ann, $g, 'two');
    ebla_chat_mark_read($pdo, $ben, $g);
    $d = ebla_chat_dialog_open($pdo, $ann, [$ben])['id'];
    ebla_chat_post($pdo, $ben, $d, 'direct');

    rebuild($pdo, $backend);
    // The next request, on a new connection (PostgreSQL would refuse statements this connection
    // prepared before the types changed).
    [$user, $pass] = ec_credentials($backend);
    $pdo = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    if ($backend === 'sqlite') {
        $pdo->exec('PRAGMA busy_timeout = 10000');
    }
    // A membership EspoCRM itself adds meanwhile (its relationship panel): the counters stay unset.
    ec_insert($pdo, 'dialog_user', ['dialog_id' => $g, 'user_id' => $dan, 'deleted' => 0]);
    echo "$backend after rebuild:\n";
    foreach ([1, 2, 3] as $i) {
        echo "  open ann+cat #$i: ";
        ec_throws(fn() => ebla_chat_dialog_open($pdo, $ann, [$cat]));
    }
    echo "  open ann+ben (exists): ";
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $ann, [$ben]));
    echo "  direct dialogs of ann+cat: ", pair_dialogs($pdo, $ann, $cat), ", of ann+ben: ", pair_dialogs($pdo, $ann, $ben), "\n";
    // Inside the caller's transaction: only the call's own work is undone, the caller's stays.
    $pdo->beginTransaction();
    ebla_chat_post($pdo, $ann, $g, 'in a transaction');
    echo "  in the caller's transaction: ";
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $ann, [$cat]));
    $pdo->commit();
    echo "  after commit: messages in the group ", ec_scalar($pdo, 'SELECT message_count FROM dialog WHERE id = ?', [$g]),
        ", direct dialogs of ann+cat ", pair_dialogs($pdo, $ann, $cat), "\n";
    echo "  3 processes at once: ", implode(', ', array_map(fn($o) => strtok($o, ' '), race_open($backend, $dsn, $cat, $dan))),
        "; dialogs: ", pair_dialogs($pdo, $cat, $dan), "\n";

    $ran = ebla_chat_schema($pdo);
    echo "$backend restored with ", count($ran), " statements:\n  ", str_replace('`', '"', implode("\n  ", $ran)), "\n";
    echo "$backend again: ", count(ebla_chat_schema($pdo)), " statements\n";
    report($backend, 'chat tables', ec_reference($backend, EC_CHAT_TABLES), ec_describe($pdo, $backend, EC_CHAT_TABLES));
    echo "$backend dan's unset counters: read_count=", ec_scalar($pdo, 'SELECT read_count FROM dialog_user WHERE user_id = ?', [$dan]),
        " mention_count=", ec_scalar($pdo, 'SELECT mention_count FROM dialog_user WHERE user_id = ?', [$dan]), "\n";
    $ids = array_map(fn() => ebla_chat_dialog_open($pdo, $ann, [$cat])['id'], [1, 2, 3]);
    echo "$backend open ann+cat 3 times: ", count(array_unique($ids)), " id, dialogs: ", pair_dialogs($pdo, $ann, $cat),
        "; ann+ben is the old one: ", var_export(ebla_chat_dialog_open($pdo, $ben, [$ann])['id'] === $d, true), "\n";
    if ($backend === 'mysql') {
        // With FOUND_ROWS MySQL reports the duplicate as 1 row: the index check runs, and passes.
        $found = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::MYSQL_ATTR_FOUND_ROWS => true]);
        echo "mysql with MYSQL_ATTR_FOUND_ROWS: the same dialog: ", var_export(ebla_chat_dialog_open($found, $cat, [$ann])['id'] === $ids[0], true), "\n";
        $found = null;
    }
    $out = race_open($backend, $dsn, $cat, $dan);
    echo "$backend 3 processes at once: ", count(array_unique($out)), " answer (", substr($out[0], 0, 6), "), dialogs: ", pair_dialogs($pdo, $cat, $dan), "\n";

    // Only the unique index gone, with duplicates made by an older engine meanwhile: the oldest keeps the key.
    rebuild($pdo, $backend, true);
    $key = ec_scalar($pdo, 'SELECT direct_key FROM dialog WHERE id = ?', [$d]);
    ec_insert($pdo, 'dialog', ['id' => 'fffffffffffffffff', 'deleted' => 0, 'type' => 'Direct', 'direct_key' => $key,
        'message_count' => 0, 'last_message_number' => 0]);
    echo "$backend duplicate key restored with: ", count(ebla_chat_schema($pdo)), " statements; key kept by the oldest: ",
        var_export(ec_scalar($pdo, 'SELECT id FROM dialog WHERE direct_key = ?', [$key]) === $d, true), "\n";
    $pdo->exec("DELETE FROM dialog WHERE id = 'fffffffffffffffff'");
    ec_print_consistency($pdo, "$backend consistency");
    ini_restore('ebla_chat.baseline_role_id');
}
?>
--EXPECT--
sqlite after rebuild:
  open ann+cat #1: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  open ann+cat #2: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  open ann+cat #3: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  open ann+ben (exists): EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  direct dialogs of ann+cat: 0, of ann+ben: 1
  in the caller's transaction: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  after commit: messages in the group 3, direct dialogs of ann+cat 0
  3 processes at once: EblaChat\SchemaException, EblaChat\SchemaException, EblaChat\SchemaException; dialogs: 0
sqlite restored with 5 statements:
  UPDATE "dialog" SET "direct_key" = NULL WHERE "direct_key" IS NOT NULL AND "id" NOT IN (SELECT "keep" FROM (SELECT MIN("id") AS "keep" FROM "dialog" WHERE "direct_key" IS NOT NULL GROUP BY "direct_key") AS "k")
  CREATE UNIQUE INDEX "uniq_dialog_direct_key" ON "dialog" ("direct_key")
  CREATE UNIQUE INDEX "uniq_dialog_user_user_id_dialog_id" ON "dialog_user" ("user_id", "dialog_id")
  CREATE INDEX "idx_dialog_user_dialog_id" ON "dialog_user" ("dialog_id")
  CREATE INDEX "idx_dialog_user_user_unread" ON "dialog_user" ("user_id", "unread_hint", "deleted", "dialog_id", "read_count", "is_muted", "last_read_number", "notified_number")
sqlite again: 0 statements
sqlite chat tables: 3 tables, 32 columns, 11 indexes: identical
sqlite dan's unset counters: read_count=0 mention_count=0
sqlite open ann+cat 3 times: 1 id, dialogs: 1; ann+ben is the old one: true
sqlite 3 processes at once: 1 answer (opened), dialogs: 1
sqlite duplicate key restored with: 2 statements; key kept by the oldest: true
sqlite consistency: consistent
mysql after rebuild:
  open ann+cat #1: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  open ann+cat #2: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  open ann+cat #3: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  open ann+ben (exists): EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  direct dialogs of ann+cat: 0, of ann+ben: 1
  in the caller's transaction: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  after commit: messages in the group 3, direct dialogs of ann+cat 0
  3 processes at once: EblaChat\SchemaException, EblaChat\SchemaException, EblaChat\SchemaException; dialogs: 0
mysql restored with 20 statements:
  ALTER TABLE "dialog" MODIFY COLUMN "direct_key" VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL
  UPDATE "dialog" SET "last_message_number" = 0 WHERE "last_message_number" IS NULL
  ALTER TABLE "dialog" MODIFY COLUMN "last_message_number" BIGINT NOT NULL DEFAULT 0
  UPDATE "dialog" SET "message_count" = 0 WHERE "message_count" IS NULL
  ALTER TABLE "dialog" MODIFY COLUMN "message_count" BIGINT NOT NULL DEFAULT 0
  UPDATE "dialog" SET "direct_key" = NULL WHERE "direct_key" IS NOT NULL AND "id" NOT IN (SELECT "keep" FROM (SELECT MIN("id") AS "keep" FROM "dialog" WHERE "direct_key" IS NOT NULL GROUP BY "direct_key") AS "k")
  CREATE UNIQUE INDEX "UNIQ_DIRECT_KEY" ON "dialog" ("direct_key")
  UPDATE "dialog_user" SET "read_count" = 0 WHERE "read_count" IS NULL
  ALTER TABLE "dialog_user" MODIFY COLUMN "read_count" BIGINT NOT NULL DEFAULT 0
  UPDATE "dialog_user" SET "last_read_number" = 0 WHERE "last_read_number" IS NULL
  ALTER TABLE "dialog_user" MODIFY COLUMN "last_read_number" BIGINT NOT NULL DEFAULT 0
  UPDATE "dialog_user" SET "notified_number" = 0 WHERE "notified_number" IS NULL
  ALTER TABLE "dialog_user" MODIFY COLUMN "notified_number" BIGINT NOT NULL DEFAULT 0
  UPDATE "dialog_user" SET "mention_count" = 0 WHERE "mention_count" IS NULL
  ALTER TABLE "dialog_user" MODIFY COLUMN "mention_count" INT NOT NULL DEFAULT 0
  UPDATE "dialog_user" SET "is_muted" = 0 WHERE "is_muted" IS NULL
  ALTER TABLE "dialog_user" MODIFY COLUMN "is_muted" TINYINT(1) NOT NULL DEFAULT 0
  CREATE UNIQUE INDEX "UNIQ_USER_ID_DIALOG_ID" ON "dialog_user" ("user_id", "dialog_id")
  CREATE INDEX "IDX_DIALOG_ID" ON "dialog_user" ("dialog_id")
  CREATE INDEX "IDX_USER_UNREAD" ON "dialog_user" ("user_id", "unread_hint", "deleted", "dialog_id", "read_count", "is_muted", "last_read_number", "notified_number")
mysql again: 0 statements
mysql chat tables: 3 tables, 32 columns, 14 indexes: identical
mysql dan's unset counters: read_count=0 mention_count=0
mysql open ann+cat 3 times: 1 id, dialogs: 1; ann+ben is the old one: true
mysql with MYSQL_ATTR_FOUND_ROWS: the same dialog: true
mysql 3 processes at once: 1 answer (opened), dialogs: 1
mysql duplicate key restored with: 2 statements; key kept by the oldest: true
mysql consistency: consistent
pgsql after rebuild:
  open ann+cat #1: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  open ann+cat #2: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  open ann+cat #3: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  open ann+ben (exists): EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  direct dialogs of ann+cat: 0, of ann+ben: 1
  in the caller's transaction: EblaChat\SchemaException: Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), so a direct dialog could be created twice: run ebla_chat_schema() to restore it
  after commit: messages in the group 3, direct dialogs of ann+cat 0
  3 processes at once: EblaChat\SchemaException, EblaChat\SchemaException, EblaChat\SchemaException; dialogs: 0
pgsql restored with 20 statements:
  ALTER TABLE "dialog" ALTER COLUMN "direct_key" TYPE VARCHAR(255) USING "direct_key"::VARCHAR(255), ALTER COLUMN "direct_key" SET DEFAULT NULL, ALTER COLUMN "direct_key" DROP NOT NULL
  UPDATE "dialog" SET "last_message_number" = 0 WHERE "last_message_number" IS NULL
  ALTER TABLE "dialog" ALTER COLUMN "last_message_number" TYPE BIGINT USING "last_message_number"::BIGINT, ALTER COLUMN "last_message_number" SET DEFAULT 0, ALTER COLUMN "last_message_number" SET NOT NULL
  UPDATE "dialog" SET "message_count" = 0 WHERE "message_count" IS NULL
  ALTER TABLE "dialog" ALTER COLUMN "message_count" TYPE BIGINT USING "message_count"::BIGINT, ALTER COLUMN "message_count" SET DEFAULT 0, ALTER COLUMN "message_count" SET NOT NULL
  UPDATE "dialog" SET "direct_key" = NULL WHERE "direct_key" IS NOT NULL AND "id" NOT IN (SELECT "keep" FROM (SELECT MIN("id") AS "keep" FROM "dialog" WHERE "direct_key" IS NOT NULL GROUP BY "direct_key") AS "k")
  CREATE UNIQUE INDEX "uniq_dialog_direct_key" ON "dialog" ("direct_key")
  UPDATE "dialog_user" SET "read_count" = 0 WHERE "read_count" IS NULL
  ALTER TABLE "dialog_user" ALTER COLUMN "read_count" TYPE BIGINT USING "read_count"::BIGINT, ALTER COLUMN "read_count" SET DEFAULT 0, ALTER COLUMN "read_count" SET NOT NULL
  UPDATE "dialog_user" SET "last_read_number" = 0 WHERE "last_read_number" IS NULL
  ALTER TABLE "dialog_user" ALTER COLUMN "last_read_number" TYPE BIGINT USING "last_read_number"::BIGINT, ALTER COLUMN "last_read_number" SET DEFAULT 0, ALTER COLUMN "last_read_number" SET NOT NULL
  UPDATE "dialog_user" SET "notified_number" = 0 WHERE "notified_number" IS NULL
  ALTER TABLE "dialog_user" ALTER COLUMN "notified_number" TYPE BIGINT USING "notified_number"::BIGINT, ALTER COLUMN "notified_number" SET DEFAULT 0, ALTER COLUMN "notified_number" SET NOT NULL
  UPDATE "dialog_user" SET "mention_count" = 0 WHERE "mention_count" IS NULL
  ALTER TABLE "dialog_user" ALTER COLUMN "mention_count" SET DEFAULT 0, ALTER COLUMN "mention_count" SET NOT NULL
  UPDATE "dialog_user" SET "is_muted" = FALSE WHERE "is_muted" IS NULL
  ALTER TABLE "dialog_user" ALTER COLUMN "is_muted" SET DEFAULT FALSE, ALTER COLUMN "is_muted" SET NOT NULL
  CREATE UNIQUE INDEX "uniq_dialog_user_user_id_dialog_id" ON "dialog_user" ("user_id", "dialog_id")
  CREATE INDEX "idx_dialog_user_dialog_id" ON "dialog_user" ("dialog_id")
  CREATE INDEX "idx_dialog_user_user_unread" ON "dialog_user" ("user_id", "unread_hint", "deleted", "dialog_id", "read_count", "is_muted", "last_read_number", "notified_number")
pgsql again: 0 statements
pgsql chat tables: 3 tables, 32 columns, 14 indexes: identical
pgsql dan's unset counters: read_count=0 mention_count=0
pgsql open ann+cat 3 times: 1 id, dialogs: 1; ann+ben is the old one: true
pgsql 3 processes at once: 1 answer (opened), dialogs: 1
pgsql duplicate key restored with: 2 statements; key kept by the oldest: true
pgsql consistency: consistent
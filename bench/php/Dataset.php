<?php
/*
 * The benchmark's data: 10,000 users in 100 teams, 2,000 dialogs with a history of 1,000,000
 * messages, stored both ways at once (counters in dialog/dialog_user for ebla_chat and
 * SameAlgorithm, one notification row per recipient per message for EspoWay), so the readers of
 * each implementation see the same state. Written as tab-separated files and bulk-loaded with
 * LOAD DATA INFILE (the server runs on this machine); the secondary indexes of the two big
 * tables are built after the load, which is much faster than maintaining them row by row.
 */

declare(strict_types=1);

namespace EblaBench;

use PDO;

final class Dataset
{
    public const USERS = 10000;         // regular users with teams (plus the bench actors)
    public const TEAMS = 100;
    public const DIALOGS = 2000;        // history dialogs
    public const PER_DIALOG = 500;      // messages per history dialog: 1,000,000 in all
    public const FIRST_OTHER = 16;      // user index of the first ordinary user
    public const BASE_TIME = 1767225600; // 2026-01-01 00:00:00 UTC

    // Actors (user indexes).
    public const AUTHOR = 0;   // posts in the post-benchmark dialogs
    public const U10 = 1;      // member of 10 history dialogs
    public const U100 = 2;     // of 100
    public const U1000 = 3;    // of 1,000
    public const READER = 4;   // marks read
    public const P_TEAM = 5;   // partners with User read = team
    public const P_ALL = 6;    // partners with User read = all

    public const IMPLS = ['c', 'espo', 'same'];
    public const POST_SIZES = [2, 10, 100, 1000];

    public static function user(int $i): string
    {
        return sprintf('1%016x', $i);
    }

    public static function dialog(int $d): string
    {
        return sprintf('2%016x', $d);
    }

    public static function note(int $k): string
    {
        return sprintf('3%016x', $k);
    }

    /** Dialog of the post benchmark for implementation $impl and $m members. */
    public static function postDialog(string $impl, int $m): string
    {
        return sprintf('8%016x', array_search($impl, self::IMPLS, true) * 10000 + $m);
    }

    public static function readDialog(string $impl): string
    {
        return sprintf('9%016x', array_search($impl, self::IMPLS, true));
    }

    /** Ordinary user number $n (0 .. USERS-1). */
    public static function other(int $n): int
    {
        return self::FIRST_OTHER + (($n % self::USERS) + self::USERS) % self::USERS;
    }

    /** @return list<int> member user indexes of history dialog $d */
    public static function historyMembers(int $d): array
    {
        $o = self::other($d * 37);
        if ($d < 10) {
            return [self::U1000, self::U100, self::U10, $o];
        }
        if ($d < 100) {
            return [self::U1000, self::U100, $o];
        }
        if ($d < 1000) {
            return [self::U1000, $o];
        }
        return [$o, self::other($d * 37 + 1)];
    }

    /** Unread messages left for a bench user in history dialog $d (30 % of dialogs, 1..7). */
    public static function unreadFor(int $user, int $d): int
    {
        if (!in_array($user, [self::U10, self::U100, self::U1000], true)) {
            return 0;
        }
        return ($d % 10) < 3 ? ($d % 7) + 1 : 0;
    }

    public static function number(int $d, int $p): int
    {
        return $p * self::DIALOGS + $d + 1;
    }

    public function __construct(private PDO $pdo, private string $dir)
    {
    }

    private function tsv(string $name, iterable $rows): string
    {
        $file = "$this->dir/$name.tsv";
        $f = fopen($file, 'w');
        $buf = '';
        foreach ($rows as $r) {
            $buf .= implode("\t", array_map(fn ($v) => $v === null ? '\N' : (string) $v, $r)) . "\n";
            if (strlen($buf) > 1 << 20) {
                fwrite($f, $buf);
                $buf = '';
            }
        }
        fwrite($f, $buf);
        fclose($f);
        chmod($file, 0644);
        return $file;
    }

    private function load(string $table, array $columns, iterable $rows): void
    {
        $file = $this->tsv($table, $rows);
        $cols = implode(', ', array_map(fn ($c) => "`$c`", $columns));
        $this->pdo->exec("LOAD DATA INFILE " . $this->pdo->quote($file) . " INTO TABLE `$table` CHARACTER SET utf8mb4 ($cols)");
        unlink($file);
    }

    private static function time(int $k): string
    {
        return gmdate('Y-m-d H:i:s', self::BASE_TIME + $k * 2);
    }

    /** Creates every table and loads everything; returns seconds spent per step. */
    public function build(): array
    {
        $t = [];
        $clock = hrtime(true);
        $lap = function (string $what) use (&$t, &$clock) {
            $now = hrtime(true);
            $t[$what] = ($now - $clock) / 1e9;
            $clock = $now;
        };
        $pdo = $this->pdo;
        ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
        // EspoCRM's notification table, and the EspoWay popup watermark.
        $pdo->exec("CREATE TABLE notification (
            id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
            deleted TINYINT(1) NULL DEFAULT 0,
            number BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
            data MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
            type VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            `read` TINYINT(1) NOT NULL DEFAULT 0,
            email_is_processed TINYINT(1) NOT NULL DEFAULT 0,
            created_at DATETIME NULL DEFAULT NULL,
            message MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
            action_id VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            is_featured TINYINT(1) NOT NULL DEFAULT 0,
            user_id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            related_id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            related_type VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            related_parent_id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            related_parent_type VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            created_by_id VARCHAR(17) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL DEFAULT NULL,
            PRIMARY KEY (id),
            UNIQUE KEY UNIQ_NUMBER (number)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
        $pdo->exec('CREATE TABLE notification_popup (user_id VARCHAR(17) NOT NULL PRIMARY KEY, number BIGINT NOT NULL DEFAULT 0)
            ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci');
        $notificationIndexes = 'ADD INDEX IDX_CREATED_AT (created_at), ADD INDEX IDX_USER (user_id, number),
            ADD INDEX IDX_USER_ID_READ_RELATED_PARENT_TYPE (user_id, deleted, `read`, related_parent_type),
            ADD INDEX IDX_ACTION_ID (action_id), ADD INDEX IDX_USER_ID (user_id), ADD INDEX IDX_RELATED (related_id, related_type),
            ADD INDEX IDX_RELATED_PARENT (related_parent_id, related_parent_type), ADD INDEX IDX_CREATED_BY_ID (created_by_id)';
        // note's secondary indexes, as ebla_chat_schema made them: dropped for the load, rebuilt after.
        $noteIndexes = [];
        // (EspoCRM's full-text index on post among them: rebuilt as FULLTEXT.)
        $noteFulltext = [];
        foreach ($pdo->query("SELECT index_name, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols, MAX(non_unique) AS nu,
                MAX(index_type) AS kind FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'note'
                AND index_name NOT IN ('PRIMARY', 'UNIQ_NUMBER') GROUP BY index_name")->fetchAll(PDO::FETCH_ASSOC) as $ix) {
            $noteIndexes[$ix['index_name']] = $ix['cols'];
            $noteFulltext[$ix['index_name']] = $ix['kind'] === 'FULLTEXT';
        }
        $pdo->exec('ALTER TABLE note ' . implode(', ', array_map(fn ($n) => "DROP INDEX `$n`", array_keys($noteIndexes))));
        $lap('schema');

        $first = ['Anna', 'Boris', 'Clara', 'David', 'Elena', 'Felix', 'Greta', 'Hugo', 'Irene', 'Jonas', 'Katya', 'Leon',
            'Maria', 'Nikolai', 'Olga', 'Pavel', 'Rosa', 'Sami', 'Tanja', 'Viktor'];
        $last = ['Abbott', 'Berg', 'Costa', 'Dahl', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jensen', 'Klein',
            'Larsen', 'Meyer', 'Novak', 'Olsen', 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Weber', 'Young'];
        $now = self::time(0);
        $nUsers = self::FIRST_OTHER + self::USERS;
        $this->load('user', ['id', 'deleted', 'user_name', 'type', 'is_active', 'first_name', 'last_name', 'delete_id', 'created_at'],
            (function () use ($nUsers, $first, $last, $now) {
                for ($i = 0; $i < $nUsers; $i++) {
                    yield [self::user($i), 0, "user$i", 'regular', 1, $first[$i % 20], $last[intdiv($i, 20) % 22] . " $i", '0', $now];
                }
            })());
        $this->load('team', ['id', 'name', 'deleted'], (function () {
            for ($t = 0; $t < self::TEAMS; $t++) {
                yield [sprintf('6%016x', $t), "Team $t", 0];
            }
        })());
        $this->load('team_user', ['team_id', 'user_id', 'deleted'], (function () use ($nUsers) {
            for ($i = 0; $i < $nUsers; $i++) {
                $a = $i % self::TEAMS;
                $b = ($i * 7 + 3) % self::TEAMS;
                yield [sprintf('6%016x', $a), self::user($i), 0];
                if ($b !== $a) {
                    yield [sprintf('6%016x', $b), self::user($i), 0];
                }
            }
        })());
        $pdo->exec("INSERT INTO role (id, name, deleted, data) VALUES
            ('7000000000000000a', 'Team reader', 0, '{\"User\":{\"read\":\"team\"}}'),
            ('7000000000000000b', 'All reader', 0, '{\"User\":{\"read\":\"all\"}}')");
        $pdo->exec("INSERT INTO role_user (role_id, user_id, deleted) VALUES
            ('7000000000000000a', '" . self::user(self::P_TEAM) . "', 0), ('7000000000000000b', '" . self::user(self::P_ALL) . "', 0)");
        $lap('users, teams, roles');

        // Dialogs and memberships.
        $this->load('dialog', ['id', 'name', 'deleted', 'type', 'direct_key', 'created_at', 'modified_at', 'created_by_id',
            'last_message_at', 'last_message_id', 'last_message_number', 'message_count'], (function () {
            for ($d = 0; $d < self::DIALOGS; $d++) {
                $m = self::historyMembers($d);
                $direct = count($m) === 2;
                $ids = array_map([self::class, 'user'], $m);
                sort($ids);
                $lastNum = self::number($d, self::PER_DIALOG - 1);
                yield [self::dialog($d), $direct ? null : "Project $d", 0, $direct ? 'Direct' : 'Group',
                    $direct ? implode(':', $ids) : null, self::time(0), self::time($lastNum), $ids[0],
                    self::time($lastNum), self::note($lastNum - 1), $lastNum, self::PER_DIALOG];
            }
        })());
        $this->load('dialog_user', ['dialog_id', 'user_id', 'deleted', 'read_count', 'last_read_number', 'notified_number',
            'mention_count', 'is_muted', 'joined_at'], (function () {
            for ($d = 0; $d < self::DIALOGS; $d++) {
                foreach (self::historyMembers($d) as $u) {
                    $unread = self::unreadFor($u, $d);
                    $lastNum = self::number($d, self::PER_DIALOG - 1);
                    yield [self::dialog($d), self::user($u), 0, self::PER_DIALOG - $unread,
                        self::number($d, self::PER_DIALOG - 1 - $unread), $lastNum, 0, 0, self::time(0)];
                }
            }
        })());
        $lap('dialogs');

        // The history: note k (number k+1) belongs to dialog k % DIALOGS. The last 10 messages of
        // every dialog are by its non-bench member, so the bench users' unread ones are others'.
        $authorOf = function (int $d, int $p): int {
            $m = self::historyMembers($d);
            return $p >= self::PER_DIALOG - 10 ? $m[count($m) - 1] : $m[$p % count($m)];
        };
        $total = self::DIALOGS * self::PER_DIALOG;
        $this->load('note', ['id', 'deleted', 'post', 'data', 'type', 'number', 'is_global', 'is_internal', 'is_pinned',
            'created_at', 'modified_at', 'parent_id', 'parent_type', 'created_by_id'], (function () use ($total, $authorOf) {
            for ($k = 0; $k < $total; $k++) {
                $d = $k % self::DIALOGS;
                $p = intdiv($k, self::DIALOGS);
                $at = self::time($k);
                yield [self::note($k), 0, "Message $p of dialog $d: the quarterly numbers look fine to me", '{}', 'Post', $k + 1,
                    0, 0, 0, $at, $at, self::dialog($d), 'Dialog', self::user($authorOf($d, $p))];
            }
        })());
        $lap('notes (1M rows)');
        $this->load('notification', ['id', 'deleted', 'data', 'type', 'read', 'email_is_processed', 'created_at', 'user_id',
            'related_id', 'related_type', 'related_parent_id', 'related_parent_type'], (function () use ($total, $authorOf) {
            $n = 0;
            for ($k = 0; $k < $total; $k++) {
                $d = $k % self::DIALOGS;
                $p = intdiv($k, self::DIALOGS);
                $author = $authorOf($d, $p);
                $noteId = self::note($k);
                $at = self::time($k);
                foreach (self::historyMembers($d) as $u) {
                    if ($u === $author) {
                        continue;
                    }
                    $read = $p < self::PER_DIALOG - self::unreadFor($u, $d) ? 1 : 0;
                    yield [sprintf('4%016x', $n++), 0, "{\"noteId\":\"$noteId\"}", 'Note', $read, 1, $at, self::user($u),
                        $noteId, 'Note', self::dialog($d), 'Dialog'];
                }
            }
        })());
        $lap('notifications');
        $pdo->exec('ALTER TABLE notification ' . $notificationIndexes);
        $lap('notification indexes');
        $pdo->exec('ALTER TABLE note ' . implode(', ', array_map(
            fn ($n, $cols) => 'ADD ' . ($noteFulltext[$n] ? 'FULLTEXT ' : '') . 'INDEX `' . $n . '` ('
                . implode(', ', array_map(fn ($c) => "`$c`", explode(',', $cols))) . ')',
            array_keys($noteIndexes), $noteIndexes)));
        $lap('note indexes');
        $pdo->exec("INSERT INTO notification_popup (user_id, number)
            SELECT user_id, MAX(number) FROM notification WHERE user_id IN ('" . self::user(self::U10) . "', '"
            . self::user(self::U100) . "', '" . self::user(self::U1000) . "') GROUP BY user_id");

        // Attachments on the last 100 messages of dialog 0 (the history page).
        $this->load('attachment', ['id', 'name', 'deleted', 'type', 'size', 'field', 'created_at', 'role', 'storage',
            'parent_id', 'parent_type', 'created_by_id'], (function () use ($authorOf) {
            $a = 0;
            for ($p = self::PER_DIALOG - 100; $p < self::PER_DIALOG; $p++) {
                $k = self::number(0, $p) - 1;
                for ($j = 0; $j < ($p % 3 === 0 ? 2 : 1); $j++) {
                    yield [sprintf('5%016x', $a++), "scan-$p-$j.png", 0, 'image/png', 48213 + $p, 'attachments',
                        self::time($k), 'Attachment', null, self::note($k), 'Note', self::user($authorOf(0, $p))];
                }
            }
        })());

        // Dialogs of the write benchmarks, one set per implementation (their states diverge).
        $du = [];
        foreach (self::IMPLS as $ii => $impl) {
            foreach (self::POST_SIZES as $m) {
                $id = self::postDialog($impl, $m);
                $members = [self::AUTHOR];
                for ($j = 1; $j < $m; $j++) {
                    $members[] = self::other($ii * 1000 + $j * 7);
                }
                $pdo->exec("INSERT INTO dialog (id, name, deleted, type, created_at, modified_at, created_by_id)
                    VALUES ('$id', 'Post bench $impl $m', 0, 'Group', '$now', '$now', '" . self::user(self::AUTHOR) . "')");
                foreach ($members as $u) {
                    $du[] = "('$id', '" . self::user($u) . "', 0, '$now')";
                }
            }
            $id = self::readDialog($impl);
            $pdo->exec("INSERT INTO dialog (id, name, deleted, type, created_at, modified_at, created_by_id)
                VALUES ('$id', 'Read bench $impl', 0, 'Group', '$now', '$now', '" . self::user(self::AUTHOR) . "')");
            foreach ([self::AUTHOR, self::READER] as $u) {
                $du[] = "('$id', '" . self::user($u) . "', 0, '$now')";
            }
            for ($j = 0; $j < 8; $j++) {
                $du[] = "('$id', '" . self::user(self::other(5000 + $ii * 10 + $j)) . "', 0, '$now')";
            }
        }
        $pdo->exec('INSERT INTO dialog_user (dialog_id, user_id, deleted, joined_at) VALUES ' . implode(', ', $du));
        $lap('attachments, bench dialogs');
        foreach (['note', 'notification', 'dialog', 'dialog_user', 'user', 'team_user', 'attachment'] as $table) {
            $pdo->query("ANALYZE TABLE `$table`")->fetchAll();
        }
        $lap('analyze');
        return $t;
    }
}

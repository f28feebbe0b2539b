<?php
/*
 * The EspoCRM way, written carefully in PHP: a chat message is a `note` (stream post on the
 * Dialog record) plus one `notification` row per recipient, inserted with one multi-row INSERT
 * (EspoCRM's Tools/Notification/Service::notifyAboutNote -> massInsert). Unread is
 * COUNT(*) over `notification` (user_id, deleted = 0, read = 0), as the bell's notReadCount does;
 * mark read is UPDATE notification SET read = 1; every recipient gets its own Redis PUBLISH, one
 * round trip each (EspoCRM's WebSocket Submission sends one message per user id).
 *
 * Kindnesses a real EspoCRM would not give it (so that the comparison is about the data model,
 * not about ORM overhead): prepared statements are reused, the dialog keeps its last message
 * denormalised (one UPDATE per post, like an afterSave hook of a chat module) so the dialog list
 * is an indexed ORDER BY, attachments of a page are loaded with one IN query (EspoCRM's ORM loads
 * them per note), and ACL levels are cached per process (EspoCRM caches them in data/cache).
 */

declare(strict_types=1);

namespace EblaBench;

use PDO;
use PDOStatement;

final class EspoWay implements Chat
{
    /** @var array<string, PDOStatement> */
    private array $stmts = [];
    /** @var array<string, string> actor => User read level, computed once (EspoCRM's ACL cache) */
    private array $aclCache = [];

    public function __construct(private PDO $pdo, private CountingRedis $redis)
    {
    }

    public function name(): string
    {
        return 'EspoWay';
    }

    private function st(string $sql): PDOStatement
    {
        return $this->stmts[$sql] ??= $this->pdo->prepare($sql);
    }

    /** @return list<array> */
    private function all(string $sql, array $params): array
    {
        $s = $this->st($sql);
        $s->execute($params);
        return $s->fetchAll(PDO::FETCH_ASSOC);
    }

    private function run(string $sql, array $params): int
    {
        $s = $this->st($sql);
        $s->execute($params);
        return $s->rowCount();
    }

    /** @return list<string> active members of the dialog (the note's "followers"). */
    private function members(string $dialogId): array
    {
        return array_column($this->all(
            'SELECT du.user_id FROM dialog_user du JOIN `user` u ON u.id = du.user_id AND u.deleted = 0 AND u.is_active = 1
             WHERE du.dialog_id = ? AND du.deleted = 0', [$dialogId]), 'user_id');
    }

    /** @var array<string, array> the actor's user row, once per process (ebla_chat caches it per request) */
    private array $actors = [];

    private function actor(string $id): array
    {
        if (!isset($this->actors[$id])) {
            $u = $this->all('SELECT id, type, is_active, first_name, last_name, user_name FROM `user` WHERE id = ? AND deleted = 0', [$id]);
            if (!$u || !$u[0]['is_active']) {
                throw new \RuntimeException("no active user $id");
            }
            $u[0]['name'] = trim(($u[0]['first_name'] ?? '') . ' ' . ($u[0]['last_name'] ?? '')) ?: $u[0]['user_name'];
            $this->actors[$id] = $u[0];
        }
        return $this->actors[$id];
    }

    /** The message row of a new post, from what the writer already knows (no re-read). */
    private function messageRow(string $noteId, int $number, string $dialogId, array $author, string $text, string $now,
        array $attachments): array
    {
        return ['id' => $noteId, 'number' => $number, 'dialogId' => $dialogId, 'authorId' => $author['id'],
            'authorName' => $author['name'], 'text' => $text, 'createdAt' => $now, 'modifiedAt' => $now, 'edited' => false,
            'voice' => false, 'mentions' => [], 'attachments' => $attachments];
    }

    public function post(string $actor, string $dialogId, string $text, array $attachmentIds = []): array
    {
        $author = $this->actor($actor);
        $now = now();
        $noteId = Ids::generate();
        $attachments = [];
        $this->pdo->beginTransaction();
        try {
            $dialog = $this->all('SELECT id, type FROM dialog WHERE id = ? AND deleted = 0', [$dialogId]);
            if (!$dialog) {
                throw new \RuntimeException("no dialog $dialogId");
            }
            $members = $this->members($dialogId);
            if (!in_array($actor, $members, true)) {
                throw new \RuntimeException('not a member');
            }
            $this->run('INSERT INTO note (id, deleted, post, data, type, is_global, is_internal, is_pinned, created_at, modified_at,
                    parent_id, parent_type, created_by_id) VALUES (?, 0, ?, ?, \'Post\', 0, 0, 0, ?, ?, ?, \'Dialog\', ?)',
                [$noteId, $text, '{}', $now, $now, $dialogId, $actor]);
            $number = (int) $this->pdo->lastInsertId();
            if ($attachmentIds) {
                $in = implode(', ', array_fill(0, count($attachmentIds), '?'));
                foreach ($this->all("SELECT id, name, type, size FROM attachment WHERE id IN ($in)", $attachmentIds) as $a) {
                    $attachments[] = ['id' => $a['id'], 'name' => $a['name'], 'type' => $a['type'], 'size' => (int) $a['size']];
                }
                $n = $this->run("UPDATE attachment SET parent_id = ?, parent_type = 'Note', field = 'attachments'
                    WHERE id IN ($in) AND created_by_id = ? AND parent_id IS NULL AND deleted = 0",
                    array_merge([$noteId], $attachmentIds, [$actor]));
                if ($n !== count($attachmentIds)) {
                    throw new \RuntimeException('attachment missing or used');
                }
            }
            $recipients = array_values(array_filter($members, fn ($u) => $u !== $actor));
            if ($recipients) {
                // massInsert: one statement for every recipient (cached per row count).
                $row = '(?, 0, ?, \'Note\', 0, 1, ?, ?, ?, \'Note\', ?, \'Dialog\')';
                $sql = 'INSERT INTO notification (id, deleted, data, type, `read`, email_is_processed, created_at, user_id,
                    related_id, related_type, related_parent_id, related_parent_type) VALUES '
                    . implode(', ', array_fill(0, count($recipients), $row));
                $data = json(['noteId' => $noteId]);
                $params = [];
                foreach ($recipients as $u) {
                    array_push($params, Ids::generate(), $data, $now, $u, $noteId, $dialogId);
                }
                $this->run($sql, $params);
            }
            $this->run('UPDATE dialog SET last_message_at = ?, last_message_id = ?, last_message_number = ?, modified_at = ?
                WHERE id = ?', [$now, $noteId, $number, $now, $dialogId]);
            $this->pdo->commit();
        } catch (\Throwable $e) {
            $this->pdo->rollBack();
            throw $e;
        }
        // After the commit: one PUBLISH per recipient, each its own round trip, then the
        // streamUpdate broadcast of the Dialog record. The client re-counts on newNotification.
        foreach ($recipients as $u) {
            $this->redis->publish(Env::CHANNEL, json(['dialogId' => $dialogId, 'messageId' => $noteId,
                'number' => $number, 'authorId' => $actor, 'userId' => $u, 'topicId' => 'eblaChat.message']));
        }
        $this->redis->publish(Env::CHANNEL,
            json(['createdById' => $actor, 'topicId' => "streamUpdate.Dialog.$dialogId"]));
        return $this->messageRow($noteId, $number, $dialogId, $author, $text, $now, $attachments);
    }

    public function messages(string $actor, string $dialogId, int $limit = 50): array
    {
        $this->actor($actor);
        if (!$this->all('SELECT id FROM dialog_user WHERE dialog_id = ? AND user_id = ? AND deleted = 0', [$dialogId, $actor])) {
            throw new \RuntimeException('not a member');
        }
        $rows = $this->all("SELECT n.id, n.number, n.parent_id, n.post, n.data, n.created_at, n.modified_at, n.created_by_id,
                TRIM(CONCAT(COALESCE(u.first_name, ''), ' ', COALESCE(u.last_name, ''))) AS author_name
            FROM note n LEFT JOIN `user` u ON u.id = n.created_by_id
            WHERE n.parent_id = ? AND n.parent_type = 'Dialog' AND n.type = 'Post' AND n.deleted = 0
            ORDER BY n.number DESC LIMIT " . $limit, [$dialogId]);
        return $this->noteRows($rows);
    }

    /** Message rows (README "Functions") of note rows, with their attachments: one more query. */
    private function noteRows(array $rows): array
    {
        if (!$rows) {
            return [];
        }
        $ids = array_column($rows, 'id');
        $in = implode(', ', array_fill(0, count($ids), '?'));
        $by = [];
        foreach ($this->all("SELECT id, name, type, size, parent_id FROM attachment
                WHERE parent_type = 'Note' AND parent_id IN ($in) AND deleted = 0 ORDER BY created_at, id", $ids) as $a) {
            $by[$a['parent_id']][] = ['id' => $a['id'], 'name' => $a['name'], 'type' => $a['type'], 'size' => (int) $a['size']];
        }
        $out = [];
        foreach ($rows as $r) {
            $data = json_decode($r['data'] ?? '{}', true) ?: [];
            $out[] = ['id' => $r['id'], 'number' => (int) $r['number'], 'dialogId' => $r['parent_id'], 'authorId' => $r['created_by_id'],
                'authorName' => $r['author_name'], 'text' => $r['post'], 'createdAt' => $r['created_at'],
                'modifiedAt' => $r['modified_at'], 'edited' => $r['modified_at'] !== $r['created_at'],
                'voice' => !empty($data['voice']), 'mentions' => $data['mentions'] ?? [],
                'attachments' => $by[$r['id']] ?? []];
        }
        return $out;
    }

    public function bell(string $actor): int
    {
        $this->actor($actor);
        return (int) $this->all('SELECT COUNT(*) AS c FROM notification WHERE user_id = ? AND deleted = 0 AND `read` = 0',
            [$actor])[0]['c'];
    }

    /** @return array<string, array{0:int,1:int}> dialogId => [unread, max notification number] */
    private function unreadByDialog(string $actor): array
    {
        $out = [];
        foreach ($this->all("SELECT related_parent_id, COUNT(*) AS c, MAX(number) AS m FROM notification
                WHERE user_id = ? AND deleted = 0 AND `read` = 0 AND related_parent_type = 'Dialog'
                GROUP BY related_parent_id", [$actor]) as $r) {
            $out[$r['related_parent_id']] = [(int) $r['c'], (int) $r['m']];
        }
        return $out;
    }

    public function dialogList(string $actor, int $limit = 50): array
    {
        $this->actor($actor);
        $total = (int) $this->all('SELECT COUNT(*) AS c FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id AND d.deleted = 0
            WHERE du.user_id = ? AND du.deleted = 0', [$actor])[0]['c'];
        $rows = $this->all('SELECT d.id, d.name, d.type, d.parent_type, d.parent_id, d.last_message_id, d.last_message_at,
                d.created_at, d.created_by_id, du.is_muted
            FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id AND d.deleted = 0
            WHERE du.user_id = ? AND du.deleted = 0
            ORDER BY d.last_message_number DESC, d.created_at DESC, d.id DESC LIMIT ' . $limit, [$actor]);
        if (!$rows) {
            return ['total' => $total, 'list' => []];
        }
        $ids = array_column($rows, 'id');
        $in = implode(', ', array_fill(0, count($ids), '?'));
        // The badges: COUNT(*) of unread notifications per dialog of the page.
        $unread = [];
        foreach ($this->all("SELECT related_parent_id, COUNT(*) AS c FROM notification
                WHERE user_id = ? AND deleted = 0 AND `read` = 0 AND related_parent_type = 'Dialog' AND related_parent_id IN ($in)
                GROUP BY related_parent_id", array_merge([$actor], $ids)) as $r) {
            $unread[$r['related_parent_id']] = (int) $r['c'];
        }
        return ['total' => $total, 'list' => $this->dialogRows($actor, $rows, $unread)];
    }

    /** Members, direct-dialog names and last messages of a page of dialogs: two queries. */
    private function dialogRows(string $actor, array $rows, array $unread): array
    {
        $ids = array_column($rows, 'id');
        $in = implode(', ', array_fill(0, count($ids), '?'));
        $members = [];
        $names = [];
        // By the dialog_id index on MariaDB (ordered by id it may walk every membership).
        $byDialog = $this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql' ? ' FORCE INDEX (IDX_DIALOG_ID)' : '';
        foreach ($this->all("SELECT du.dialog_id, u.id, TRIM(CONCAT(COALESCE(u.first_name, ''), ' ', COALESCE(u.last_name, ''))) AS name
                FROM dialog_user du$byDialog JOIN `user` u ON u.id = du.user_id
                WHERE du.dialog_id IN ($in) AND du.deleted = 0 ORDER BY du.id", $ids) as $m) {
            $members[$m['dialog_id']][] = $m['id'];
            $names[$m['id']] = $m['name'];
        }
        $lastIds = array_values(array_filter(array_column($rows, 'last_message_id')));
        $last = [];
        if ($lastIds) {
            $in2 = implode(', ', array_fill(0, count($lastIds), '?'));
            // Last messages are full message rows (author name, attachments), as in the history.
            foreach ($this->noteRows($this->all("SELECT n.id, n.number, n.parent_id, n.post, n.data, n.created_at, n.modified_at,
                    n.created_by_id, TRIM(CONCAT(COALESCE(u.first_name, ''), ' ', COALESCE(u.last_name, ''))) AS author_name
                    FROM note n LEFT JOIN `user` u ON u.id = n.created_by_id WHERE n.id IN ($in2) AND n.deleted = 0", $lastIds)) as $n) {
                $last[$n['id']] = $n;
            }
        }
        $out = [];
        foreach ($rows as $r) {
            $name = $r['name'];
            if ($name === null && $r['type'] === 'Direct') {
                foreach ($members[$r['id']] ?? [] as $m) {
                    if ($m !== $actor) {
                        $name = $names[$m];
                    }
                }
            }
            $out[] = ['id' => $r['id'], 'name' => $name, 'type' => strtolower($r['type']), 'parentType' => $r['parent_type'],
                'parentId' => $r['parent_id'], 'memberIds' => $members[$r['id']] ?? [], 'unread' => $unread[$r['id']] ?? 0,
                'muted' => (bool) ($r['is_muted'] ?? false), 'lastMessage' => $last[$r['last_message_id']] ?? null,
                'lastMessageAt' => $r['last_message_at'], 'createdAt' => $r['created_at'], 'createdById' => $r['created_by_id']];
        }
        return $out;
    }

    public function markRead(string $actor, string $dialogId): int
    {
        $this->actor($actor);
        if (!$this->all('SELECT id FROM dialog_user WHERE dialog_id = ? AND user_id = ? AND deleted = 0', [$dialogId, $actor])) {
            throw new \RuntimeException('not a member');
        }
        $this->run("UPDATE notification SET `read` = 1 WHERE user_id = ? AND deleted = 0 AND `read` = 0
            AND related_parent_type = 'Dialog' AND related_parent_id = ?", [$actor, $dialogId]);
        $this->redis->publish(Env::CHANNEL, json(['dialogId' => $dialogId, 'unread' => 0,
            'userId' => $actor, 'topicId' => 'eblaChat.read']));
        return 0;
    }

    /**
     * One poll: unread per dialog (COUNT(*) grouped), then popups = dialogs with unread
     * notifications newer than the user's popup watermark (a per-user number, one row).
     */
    public function poll(string $actor): array
    {
        $this->actor($actor);
        $unread = $this->unreadByDialog($actor);
        $total = 0;
        foreach ($unread as [$c]) {
            $total += $c;
        }
        $mark = $this->all('SELECT number FROM notification_popup WHERE user_id = ?', [$actor]);
        $watermark = $mark ? (int) $mark[0]['number'] : 0;
        $new = [];
        $max = $watermark;
        foreach ($unread as $d => [$c, $m]) {
            if ($m > $watermark) {
                $new[] = (string) $d;
                $max = max($max, $m);
            }
        }
        $popups = [];
        if ($new) {
            $in = implode(', ', array_fill(0, count($new), '?'));
            $rows = $this->all("SELECT d.id, d.name, d.type, d.parent_type, d.parent_id, d.last_message_id, d.last_message_at,
                    d.created_at, d.created_by_id FROM dialog d WHERE d.id IN ($in)", $new);
            foreach ($this->dialogRows($actor, $rows, array_map(fn ($x) => $x[0], $unread)) as $r) {
                $popups[] = ['dialogId' => $r['id'], 'name' => $r['name'], 'unread' => $r['unread'], 'lastMessage' => $r['lastMessage']];
            }
            $this->run('INSERT INTO notification_popup (user_id, number) VALUES (?, ?) ' . ($this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'pgsql'
                ? 'ON CONFLICT (user_id) DO UPDATE SET number = EXCLUDED.number' : 'ON DUPLICATE KEY UPDATE number = VALUES(number)'),
                [$actor, $max]);
        }
        return ['unread' => ['total' => $total, 'dialogs' => array_map(fn ($x) => $x[0], $unread)], 'popups' => $popups];
    }

    private function userReadLevel(string $actor): string
    {
        if (isset($this->aclCache[$actor])) {
            return $this->aclCache[$actor];
        }
        $level = 'own';
        $rank = ['no' => 0, 'own' => 1, 'team' => 2, 'all' => 3];
        foreach ($this->all("SELECT r.data FROM role r WHERE r.deleted = 0 AND (
                r.id IN (SELECT role_id FROM role_user WHERE user_id = ? AND deleted = 0)
                OR r.id IN (SELECT rt.role_id FROM role_team rt JOIN team_user tu ON tu.team_id = rt.team_id AND tu.deleted = 0
                            WHERE tu.user_id = ? AND rt.deleted = 0))", [$actor, $actor]) as $r) {
            $l = json_decode($r['data'] ?? '{}', true)['User']['read'] ?? null;
            if (is_string($l) && isset($rank[$l]) && $rank[$l] > $rank[$level]) {
                $level = $l;
            }
        }
        return $this->aclCache[$actor] = $level;
    }

    /** EspoCRM's User list under the OnlyTeam / all filters: the user's teams, COUNT, the page. */
    public function partners(string $actor, int $limit = 50): array
    {
        $level = $this->userReadLevel($actor);
        $name = "TRIM(CONCAT(COALESCE(first_name, ''), ' ', COALESCE(last_name, '')))";
        // COALESCE keeps MariaDB off IDX_TYPE (10,000 random row reads) in favour of one scan.
        $base = "FROM `user` WHERE deleted = 0 AND is_active = 1 AND COALESCE(type, 'regular') IN ('regular', 'admin') AND id <> ?";
        $params = [$actor];
        if ($level === 'team') {
            $teams = array_column($this->all('SELECT team_id FROM team_user WHERE user_id = ? AND deleted = 0', [$actor]), 'team_id');
            if (!$teams) {
                return [];
            }
            $in = implode(', ', array_fill(0, count($teams), '?'));
            $base .= " AND id IN (SELECT user_id FROM team_user WHERE team_id IN ($in) AND deleted = 0)";
            $params = array_merge($params, $teams);
        } elseif ($level !== 'all') {
            return [];
        }
        $this->all("SELECT COUNT(*) AS c $base", $params);
        $out = [];
        foreach ($this->all("SELECT id, user_name, type, $name AS name $base ORDER BY name, id LIMIT $limit", $params) as $r) {
            $out[] = ['id' => $r['id'], 'name' => $r['name'], 'userName' => $r['user_name'], 'type' => $r['type']];
        }
        return $out;
    }
}

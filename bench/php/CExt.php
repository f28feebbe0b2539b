<?php
/* ebla_chat itself (the C extension) behind the harness's interface: one native call per operation. */

declare(strict_types=1);

namespace EblaBench;

use PDO;

final class CExt implements Chat
{
    public function __construct(private PDO $pdo)
    {
    }

    public function name(): string
    {
        return 'ebla_chat';
    }

    /** Which operations the loaded extension offers yet (the harness skips the others). */
    public static function available(string $op): bool
    {
        $fn = ['post' => 'ebla_chat_post', 'messages' => 'ebla_chat_messages', 'dialogList' => 'ebla_chat_dialog_list',
            'bell' => 'ebla_chat_unread', 'markRead' => 'ebla_chat_mark_read', 'poll' => 'ebla_chat_poll',
            'partners' => 'ebla_chat_partners'][$op] ?? $op;
        return function_exists($fn);
    }

    public function post(string $actor, string $dialogId, string $text, array $attachmentIds = []): array
    {
        return ebla_chat_post($this->pdo, $actor, $dialogId, $text, $attachmentIds);
    }

    public function messages(string $actor, string $dialogId, int $limit = 50): array
    {
        return ebla_chat_messages($this->pdo, $actor, $dialogId, ['limit' => $limit]);
    }

    public function dialogList(string $actor, int $limit = 50): array
    {
        return ebla_chat_dialog_list($this->pdo, $actor, ['limit' => $limit]);
    }

    public function bell(string $actor): int
    {
        return ebla_chat_unread($this->pdo, $actor)['total'];
    }

    public function markRead(string $actor, string $dialogId): int
    {
        return ebla_chat_mark_read($this->pdo, $actor, $dialogId);
    }

    public function poll(string $actor): array
    {
        return ebla_chat_poll($this->pdo, $actor);
    }

    public function partners(string $actor, int $limit = 50): array
    {
        return ebla_chat_partners($this->pdo, $actor, ['limit' => $limit]);
    }
}

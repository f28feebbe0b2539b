<?php
/**
 * EspoCRM WebSocket messager "EblaRedis", sending side: EspoCRM's own submissions
 * (newNotification, recordUpdate.*, streamUpdate.*, ...) go to the same Redis channel(s) as the
 * chat's events, through ebla_chat's persistent connection, counters and backoff.
 *
 * Install as custom/Espo/Custom/EblaChat/RedisSender.php; register in
 * custom/Espo/Custom/Resources/metadata/app/webSocket.json (see docs/realtime.md) and set
 * 'webSocketMessager' => 'EblaRedis' in data/config.php.
 */

namespace Espo\Custom\EblaChat;

use Espo\Core\Utils\Log;
use Espo\Core\WebSocket\Sender;

class RedisSender implements Sender
{
    public function __construct(private Log $log) {}

    public function send(string $message): void
    {
        // Never throws on Redis trouble (failures are counted in ebla_chat_fanout_status());
        // only a message that is not a Submission JSON object is refused.
        try {
            if (!ebla_chat_fanout_send($message)) {
                $status = ebla_chat_fanout_status();
                $this->log->debug('EblaRedis: message not published: ' . ($status['lastError'] ?? $status['state']));
            }
        } catch (\EblaChat\BadRequestException $e) {
            $this->log->error('EblaRedis: ' . $e->getMessage());
        }
    }
}

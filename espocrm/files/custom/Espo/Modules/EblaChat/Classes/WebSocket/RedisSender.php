<?php

namespace Espo\Modules\EblaChat\Classes\WebSocket;

use Espo\Core\Utils\Log;
use Espo\Core\WebSocket\Sender;

/**
 * WebSocket messager "EblaRedis", sending side (web requests, cron): EspoCRM's own submissions
 * (newNotification, recordUpdate.*, streamUpdate.*, popupNotifications.*) go to the same Redis
 * channel as the chat's events, through the extension's persistent connection, counters and
 * backoff. Never throws: Redis trouble is counted in ebla_chat_fanout_status() and logged at debug.
 */
class RedisSender implements Sender
{
    public function __construct(private Log $log) {}

    public function send(string $message): void
    {
        if (!function_exists('ebla_chat_fanout_send')) {
            $this->log->warning('EblaRedis: the ebla_chat extension is not loaded; WebSocket message dropped.');

            return;
        }

        try {
            if (!ebla_chat_fanout_send($message)) {
                $status = ebla_chat_fanout_status();
                $this->log->debug('EblaRedis: message not published: ' . ($status['lastError'] ?? $status['state']));
            }
        } catch (\EblaChat\Exception $e) {
            $this->log->error('EblaRedis: ' . $e->getMessage());
        }
    }
}

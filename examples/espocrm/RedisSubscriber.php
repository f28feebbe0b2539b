<?php
/**
 * EspoCRM WebSocket messager "EblaRedis", receiving side, for the daemon (websocket.php).
 *
 * ebla_chat_subscribe() blocks and EspoCRM ships no asynchronous Redis client, so the blocking
 * part runs in a child process: examples/redis-bridge.php --lines subscribes and writes every
 * payload as one line on its stdout; this class watches that pipe on the React loop and hands
 * each line to the Pusher unchanged. The child stays subscribed all the time, so nothing
 * published between two loop ticks is lost. If it exits (Redis restarted, bridge killed), it is
 * started again one second later.
 *
 * Install as custom/Espo/Custom/EblaChat/RedisSubscriber.php and copy redis-bridge.php next to
 * it (or point BRIDGE at it). Single layout only: the sharded layout needs a WebSocket tier that
 * subscribes per connected user (docs/realtime.md).
 */

namespace Espo\Custom\EblaChat;

use Espo\Core\Utils\Log;
use Espo\Core\WebSocket\Pusher;
use Espo\Core\WebSocket\Subscriber;
use React\EventLoop\LoopInterface;

class RedisSubscriber implements Subscriber
{
    private const BRIDGE = __DIR__ . '/redis-bridge.php';

    /** @var resource|null */
    private $process = null;
    private string $buffer = '';

    public function __construct(private Log $log) {}

    public function subscribe(Pusher $pusher, LoopInterface $loop): void
    {
        $this->start($pusher, $loop);
    }

    private function start(Pusher $pusher, LoopInterface $loop): void
    {
        // The child inherits this PHP's INI (ebla_chat.redis_url, prefix, timeout).
        $cmd = [PHP_BINARY];
        foreach (['redis_url', 'redis_prefix', 'redis_timeout'] as $name) {
            $cmd[] = '-d';
            $cmd[] = "ebla_chat.$name=" . ini_get("ebla_chat.$name");
        }
        $cmd[] = self::BRIDGE;
        $cmd[] = '--lines';
        $this->process = proc_open($cmd, [1 => ['pipe', 'w'], 2 => STDERR], $pipes);
        if (!$this->process) {
            $this->log->error('EblaRedis: cannot start ' . self::BRIDGE . '; retrying in 1 s');
            $loop->addTimer(1.0, fn() => $this->start($pusher, $loop));
            return;
        }
        $out = $pipes[1];
        stream_set_blocking($out, false);
        $this->buffer = '';
        $loop->addReadStream($out, function ($out) use ($pusher, $loop) {
            $chunk = fread($out, 65536);
            if ($chunk === '' || $chunk === false) {
                if (feof($out)) {
                    $this->restart($out, $pusher, $loop);
                }
                return;
            }
            $this->buffer .= $chunk;
            while (($pos = strpos($this->buffer, "\n")) !== false) {
                $line = substr($this->buffer, 0, $pos);
                $this->buffer = substr($this->buffer, $pos + 1);
                if ($line !== '') {
                    $pusher->onMessageReceive($line);
                }
            }
        });
    }

    private function restart($out, Pusher $pusher, LoopInterface $loop): void
    {
        $loop->removeReadStream($out);
        fclose($out);
        proc_close($this->process);
        $this->process = null;
        $this->log->warning('EblaRedis: the Redis bridge exited; restarting in 1 s');
        $loop->addTimer(1.0, fn() => $this->start($pusher, $loop));
    }
}

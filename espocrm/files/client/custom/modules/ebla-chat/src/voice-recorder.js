/*
 * Records a voice message from the microphone with MediaRecorder.
 *
 *   const recorder = new VoiceRecorder({onTick: seconds => ..., maxSeconds: 300});
 *   await recorder.start();          // asks for the microphone
 *   const file = await recorder.stop();   // a File, audio/webm (or what the browser records)
 *   recorder.cancel();
 */
define('ebla-chat:voice-recorder', [], function () {

    const PREFERRED_TYPES = [
        'audio/webm;codecs=opus',
        'audio/webm',
        'audio/ogg;codecs=opus',
        'audio/mp4',
    ];

    class VoiceRecorder {

        static isSupported() {
            return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
        }

        constructor(options) {
            options = options || {};

            this.onTick = options.onTick || (() => {});
            this.maxSeconds = options.maxSeconds || 600;
            this.chunks = [];
            this.stream = null;
            this.recorder = null;
            this.timer = null;
            this.startedAt = 0;
        }

        start() {
            if (!VoiceRecorder.isSupported()) {
                return Promise.reject(new Error('Recording is not supported by this browser.'));
            }

            return navigator.mediaDevices.getUserMedia({audio: true}).then(stream => {
                this.stream = stream;

                const type = PREFERRED_TYPES.find(t => MediaRecorder.isTypeSupported(t));

                this.recorder = type ? new MediaRecorder(stream, {mimeType: type}) : new MediaRecorder(stream);
                this.chunks = [];
                this.recorder.ondataavailable = e => {
                    if (e.data && e.data.size) {
                        this.chunks.push(e.data);
                    }
                };

                this.recorder.start(250);
                this.startedAt = Date.now();
                this.onTick(0);

                this.timer = setInterval(() => {
                    const seconds = this.getElapsed();

                    this.onTick(seconds);

                    if (seconds >= this.maxSeconds && this.onLimit) {
                        this.onLimit();
                    }
                }, 250);
            });
        }

        getElapsed() {
            return this.startedAt ? Math.floor((Date.now() - this.startedAt) / 1000) : 0;
        }

        isRecording() {
            return !!(this.recorder && this.recorder.state === 'recording');
        }

        stop() {
            if (!this.recorder) {
                return Promise.reject(new Error('Not recording.'));
            }

            const recorder = this.recorder;

            return new Promise(resolve => {
                recorder.onstop = () => {
                    const type = (recorder.mimeType || 'audio/webm').split(';')[0];
                    const extension = type === 'audio/ogg' ? 'ogg' : (type === 'audio/mp4' ? 'm4a' : 'webm');
                    const blob = new Blob(this.chunks, {type: type});
                    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
                    const file = new File([blob], 'voice-' + stamp + '.' + extension, {type: type});

                    this.release();
                    resolve(file);
                };

                recorder.stop();
            });
        }

        cancel() {
            if (this.recorder && this.recorder.state !== 'inactive') {
                this.recorder.onstop = () => this.release();
                this.recorder.stop();

                return;
            }

            this.release();
        }

        release() {
            if (this.timer) {
                clearInterval(this.timer);
                this.timer = null;
            }

            if (this.stream) {
                this.stream.getTracks().forEach(track => track.stop());
                this.stream = null;
            }

            this.recorder = null;
            this.startedAt = 0;
        }

        static formatElapsed(seconds) {
            const m = Math.floor(seconds / 60);
            const s = seconds % 60;

            return m + ':' + (s < 10 ? '0' : '') + s;
        }
    }

    return VoiceRecorder;
});

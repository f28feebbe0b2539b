/*
 * Uploads files through EspoCRM's attachment API (POST Attachment, the Note's `attachments` field),
 * in chunks when the instance has attachmentUploadChunkSize set, reporting progress 0..1.
 */
define('ebla-chat:uploader', [], function () {

    function readAsDataUrl(blob, onProgress) {
        return new Promise((resolve, reject) => {
            const reader = new FileReader();

            reader.onprogress = e => {
                if (e.lengthComputable && onProgress) {
                    onProgress(e.loaded / e.total);
                }
            };
            reader.onload = e => resolve(e.target.result);
            reader.onerror = () => reject(reader.error);
            reader.readAsDataURL(blob);
        });
    }

    class Uploader {

        /**
         * @param {{chunkSizeMb?: number, maxSizeMb?: number}} options
         */
        constructor(options) {
            options = options || {};

            this.chunkSize = (options.chunkSizeMb || 0) * 1024 * 1024;
            this.maxSize = (options.maxSizeMb || 0) * 1024 * 1024;
        }

        /**
         * @param {File} file
         * @param {function(number): void} [onProgress]
         * @return {Promise<{id: string, name: string, type: string, size: number}>}
         */
        upload(file, onProgress) {
            onProgress = onProgress || (() => {});

            if (this.maxSize && file.size > this.maxSize) {
                return Promise.reject(new Error('The file is too big.'));
            }

            const attributes = {
                name: file.name || 'file',
                type: file.type || 'application/octet-stream',
                size: file.size,
                role: 'Attachment',
                parentType: 'Note',
                field: 'attachments',
            };

            if (this.chunkSize && file.size > this.chunkSize) {
                return this.uploadByChunks(file, attributes, onProgress);
            }

            return readAsDataUrl(file, p => onProgress(p * 0.5))
                .then(dataUrl => {
                    attributes.file = dataUrl;

                    return Espo.Ajax.postRequest('Attachment', attributes, {timeout: 0});
                })
                .then(attachment => {
                    onProgress(1);

                    return Uploader.toRow(attachment, attributes);
                });
        }

        uploadByChunks(file, attributes, onProgress) {
            attributes.isBeingUploaded = true;

            return Espo.Ajax.postRequest('Attachment', attributes).then(attachment => {
                const step = start => {
                    if (start >= file.size) {
                        onProgress(1);

                        return Uploader.toRow(attachment, attributes);
                    }

                    const end = Math.min(start + this.chunkSize, file.size);

                    return readAsDataUrl(file.slice(start, end))
                        .then(dataUrl => Espo.Ajax.postRequest('Attachment/chunk/' + attachment.id, dataUrl, {
                            headers: {contentType: 'multipart/form-data'},
                            timeout: 0,
                        }))
                        .then(() => {
                            onProgress(end / file.size);

                            return step(end);
                        });
                };

                return step(0);
            });
        }

        static toRow(attachment, attributes) {
            return {
                id: attachment.id,
                name: attachment.name || attributes.name,
                type: attachment.type || attributes.type,
                size: attachment.size || attributes.size,
            };
        }
    }

    return Uploader;
});

"""Capture at the master's pace: PDF and scanned handbooks, photos of his notebook, pasted
text — turned into drafts that cite their source, and what is still missing.

``document`` holds what was read (lines with their page, line, image and OCR confidence);
``pdf`` and ``ocr`` read PDFs and images; ``extract`` proposes typed units from free text
without a model (``model`` lets a configured one propose, under the same validation);
``drafts`` saves them as drafts for the master's review; ``gaps`` lists what the knowledge
base still lacks, each as a question for the master.
"""

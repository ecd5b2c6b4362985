
mod cache;
mod download;
mod repos;
mod upload;
